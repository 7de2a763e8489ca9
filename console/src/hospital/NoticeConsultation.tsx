import { useState } from 'react';
import type { HospitalNoticeDto } from '@dispatch/protocol';
import { ConsultationThread, useConsultation, useConsultationWords } from '@dispatch/ui';
import { useLive, useLiveContext } from '../realtime/useLive';

/**
 * An incoming patient's consultation on the hospital board: the crew's messages, photos and vital signs, and the
 * doctor's answers. Folded to one line with its count until opened; it opens by itself when the crew writes.
 */
export function NoticeConsultation({ notice }: { notice: HospitalNoticeDto }) {
  const { t } = useConsultationWords();
  const { api, connection } = useLiveContext();
  const { syncedAt } = useLive();
  const { consultation, add } = useConsultation(api, { noticeId: notice.id }, connection.subscribeConsultations, syncedAt);
  const [open, setOpen] = useState<boolean | null>(null);
  if (!consultation) return null;
  const count = consultation.entries.length;
  const fromCrew = consultation.entries.filter((e) => e.side === 'crew').length;
  const shown = open ?? fromCrew > 0;
  return (
    <div className="notice-consultation" data-testid="notice-consultation">
      <button type="button" className="ghost" aria-expanded={shown} onClick={() => setOpen(!shown)} data-testid="consultation-toggle">
        {shown ? '▾' : '▸'} {t('title')} ({count})
      </button>
      {shown && <ConsultationThread consultation={consultation} viewer="hospital" api={api} onAdded={add} untitled />}
    </div>
  );
}

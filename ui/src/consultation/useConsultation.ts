import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, ConsultationDto, ConsultationEntryDto } from '@dispatch/protocol';

/** Where a screen gets pushed entries from: its one socket owner's subscription (console connection, crew agent). */
export type SubscribeEntries = (listener: (entry: ConsultationEntryDto) => void) => () => void;

/** A task's consultation (the tablet, the console) or a notice's (the hospital board, which knows notices). */
export type ConsultationTarget = { assignmentId: string } | { noticeId: string };

/** An entry added once, in the order the server received them. */
function merged(consultation: ConsultationDto, entry: ConsultationEntryDto): ConsultationDto {
  if (entry.assignmentId !== consultation.assignmentId || consultation.entries.some((e) => e.id === entry.id)) return consultation;
  const entries = [...consultation.entries, entry].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id));
  return { ...consultation, entries };
}

/**
 * The consultation as read from the server, with every entry pushed since (and those the screen sent itself).
 * Read again when `resync` changes (a reconnect: pushes may have been missed) or the target does.
 */
export function useConsultation(api: ApiClient, target: ConsultationTarget | null, subscribe: SubscribeEntries, resync?: unknown) {
  const [consultation, setConsultation] = useState<ConsultationDto | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const assignmentId = target && 'assignmentId' in target ? target.assignmentId : null;
  const noticeId = target && 'noticeId' in target ? target.noticeId : null;
  useEffect(() => {
    if (!assignmentId && !noticeId) return;
    let cancelled = false;
    const read = assignmentId
      ? api.call('getConsultation', { params: { id: assignmentId } })
      : api.call('getNoticeConsultation', { params: { id: noticeId! } });
    read.then(
      (c) => {
        if (cancelled) return;
        setConsultation(c);
        setFailure(null);
      },
      (e: unknown) => !cancelled && setFailure(e),
    );
    return () => {
      cancelled = true;
    };
  }, [api, assignmentId, noticeId, resync]);
  useEffect(() => subscribe((entry) => setConsultation((c) => (c ? merged(c, entry) : c))), [subscribe]);
  const add = useCallback((entry: ConsultationEntryDto) => setConsultation((c) => (c ? merged(c, entry) : c)), []);
  return { consultation, failure, add };
}

import { useEffect, useState } from 'react';
import type { IncidentDto, MessageDto } from '@dispatch/protocol';
import { useLatest } from '@dispatch/ui';
import { useI18n } from '../i18n/i18n';
import { alertPlayer } from './useDeskAlerts';

/**
 * A crew's message arriving live blips (and shows a desktop notification, without its text, when allowed); the
 * incidents with crew messages not yet looked at are answered with their count, until the dispatcher opens them.
 */
export function useCrewMessageCue(
  pushed: MessageDto | null,
  incidents: ReadonlyMap<string, IncidentDto>,
  selectedId: string | null,
  onSelect: (incidentId: string) => void,
): ReadonlyMap<string, number> {
  const { t } = useI18n();
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  const [last, setLast] = useState<MessageDto | null>(null);
  // What the notification's click needs, read when it happens.
  const latest = useLatest({ incidents, onSelect, t });
  // Adjusting state while rendering (React's pattern for "state from a changed prop"): one count per new message.
  if (pushed !== last) {
    setLast(pushed);
    if (pushed?.side === 'crew' && pushed.incidentId !== selectedId) setUnread(new Map(unread).set(pushed.incidentId, (unread.get(pushed.incidentId) ?? 0) + 1));
  }
  if (selectedId && unread.has(selectedId)) {
    const next = new Map(unread);
    next.delete(selectedId);
    setUnread(next);
  }
  useEffect(() => {
    if (pushed?.side !== 'crew') return;
    alertPlayer().play('crewMessage');
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
    const incident = latest.current.incidents.get(pushed.incidentId);
    try {
      const note = new Notification(`${latest.current.t('taskMessages')} · #${incident?.number ?? ''}`, { body: pushed.author ?? '', tag: pushed.id });
      note.onclick = () => {
        window.focus();
        latest.current.onSelect(pushed.incidentId);
        note.close();
      };
    } catch {
      // Notifications only from a service worker here: the blip and the badge still tell.
    }
  }, [pushed, latest]);
  return unread;
}

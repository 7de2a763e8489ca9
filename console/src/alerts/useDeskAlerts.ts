import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { AlertDto, IncidentDto } from '@dispatch/protocol';
import { useI18n } from '../i18n/i18n';
import { AlertPlayer, mostUrgent } from './alertPlayer';

/** Alerts still active this long sound again (until acknowledged or muted). */
export const REPEAT_MS = 30_000;

let player: AlertPlayer | null = null;
/** The page's one alert player (it listens for the first user gesture to unlock audio). */
export function alertPlayer(): AlertPlayer {
  player ??= new AlertPlayer();
  return player;
}

/** Whether audio is still blocked by the browser's autoplay rule (the console shows the "enable sound" prompt). */
export function useSoundBlocked(): boolean {
  const p = alertPlayer();
  return useSyncExternalStore(
    (l) => p.subscribe(l),
    () => p.blocked,
  );
}

const waitingForVehicle = (i: IncidentDto) => (i.status === 'open' || i.status === 'queued') && !i.assignments.some((a) => !a.endedAt);

/**
 * What the dispatcher must not miss, made noticeable: each new active alert sounds (the most urgent kind when
 * several start together) and, when the browser permits, shows a desktop notification that opens its incident;
 * active alerts sound again every REPEAT_MS until acknowledged or muted; the tab title counts the incidents that
 * wait (no vehicle yet, or an alert not acknowledged). Answers the incidents whose queue entry flashes.
 */
export function useDeskAlerts(alerts: ReadonlyMap<string, AlertDto>, incidents: ReadonlyMap<string, IncidentDto>, onSelect: (incidentId: string) => void): ReadonlySet<string> {
  const { t, label } = useI18n();
  const seen = useRef(new Set<string>());
  const select = useRef(onSelect);
  select.current = onSelect;
  const active = useMemo(() => [...alerts.values()].filter((a) => a.state === 'active'), [alerts]);

  // New active alerts: one sound, and a notification each (the tag keeps a repeat from stacking up).
  useEffect(() => {
    const fresh = active.filter((a) => !seen.current.has(a.id));
    for (const a of alerts.values()) seen.current.add(a.id);
    const kind = mostUrgent(fresh.map((a) => a.kind));
    if (!kind) return;
    alertPlayer().play(kind);
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const a of fresh) {
      try {
        // No address, phone or patient in it: a notification shows on a screen others may see.
        const note = new Notification(`${label('alertKind', a.kind)} · #${a.incidentNumber}`, {
          body: [`P${a.priority}`, a.subject].filter(Boolean).join(' · '),
          tag: a.id,
        });
        note.onclick = () => {
          window.focus();
          select.current(a.incidentId);
          note.close();
        };
      } catch {
        // Some browsers allow notifications only from a service worker: the sound and the header still tell.
      }
    }
  }, [alerts, active, label]);

  // Still active: again, every REPEAT_MS, and at once when the dispatcher enables sound (after a reload, say).
  const repeatKind = mostUrgent(active.map((a) => a.kind));
  const blocked = useSoundBlocked();
  const pending = useRef(repeatKind);
  pending.current = repeatKind;
  useEffect(() => {
    if (!blocked && pending.current) alertPlayer().play(pending.current);
  }, [blocked]);
  useEffect(() => {
    if (!repeatKind) return;
    const timer = setInterval(() => alertPlayer().play(repeatKind), REPEAT_MS);
    return () => clearInterval(timer);
  }, [repeatKind]);

  const flashing = useMemo(() => new Set(active.map((a) => a.incidentId)), [active]);
  const waiting = useMemo(() => {
    const ids = new Set(flashing);
    for (const i of incidents.values()) if (waitingForVehicle(i)) ids.add(i.id);
    return ids.size;
  }, [flashing, incidents]);
  const base = t('appTitle');
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) ${base}` : base;
  }, [waiting, base]);
  useEffect(() => () => void (document.title = base), [base]);
  return flashing;
}

import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { ALERT_URGENCY, type AlertDto } from '@dispatch/protocol';
import { useNow } from '@dispatch/ui';
import { formatDuration } from '../common/format';
import { Prio } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';
import { alertPlayer, useSoundBlocked } from './useDeskAlerts';

const byUrgency = (a: AlertDto, b: AlertDto) =>
  Number(a.state !== 'active') - Number(b.state !== 'active') || ALERT_URGENCY.indexOf(a.kind) - ALERT_URGENCY.indexOf(b.kind) || a.priority - b.priority || Date.parse(a.raisedAt) - Date.parse(b.raisedAt);

/**
 * The alerts in the header (drawn into its `#header-alerts` slot): the "enable sound" prompt until the browser
 * lets the page play audio, the desktop-notification offer (asked only by this click, gone once answered), the
 * most urgent active alert, and the list of all of them. Each alert opens its incident; each is acknowledged,
 * muted or re-activated for this login (kept by the server: a reload keeps it).
 */
export function AlertBar({ onSelect }: { onSelect: (incidentId: string) => void }) {
  const { t, label, clock } = useI18n();
  const { connection } = useLiveContext();
  const { alerts } = useLive();
  const blocked = useSoundBlocked();
  const now = useNow();
  const [open, setOpen] = useState(false);
  const [slot, setSlot] = useState<Element | null>(null);
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));
  // The header's slot exists once the frame around this screen is on the page.
  useEffect(() => {
    const timer = setTimeout(() => setSlot(document.getElementById('header-alerts')));
    return () => clearTimeout(timer);
  }, []);

  const list = [...alerts.values()].sort(byUrgency);
  const active = list.filter((a) => a.state === 'active');
  const top = active[0];
  const go = (a: AlertDto) => {
    onSelect(a.incidentId);
    setOpen(false);
  };
  const decide = (a: AlertDto, state: AlertDto['state']) => void connection.setAlertState(a.id, state).catch(() => undefined);
  const describe = (a: AlertDto) => (
    <>
      <Prio priority={a.priority} /> <b>#{a.incidentNumber}</b> {label('alertKind', a.kind)}
      {a.subject && <span className="muted"> · {a.subject}</span>}
      <span className="muted small"> · {formatDuration(Math.max(0, (now - Date.parse(a.raisedAt)) / 1000))}</span>
    </>
  );

  const bar = (
    <div className="alert-bar" data-testid="alert-bar">
      {blocked && (
        <button type="button" className="sound-prompt" data-testid="enable-sound" onClick={() => void alertPlayer().unlock()}>
          {t('enableSound')}
        </button>
      )}
      {permission === 'default' && (
        <button
          type="button"
          className="ghost"
          data-testid="enable-notifications"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          {t('enableNotifications')}
        </button>
      )}
      {top && (
        <button type="button" className={`alert-chip alert-${top.kind}`} data-testid="alert-chip" data-alert={top.id} onClick={() => go(top)}>
          {describe(top)}
        </button>
      )}
      <button
        type="button"
        className={`alert-toggle${active.length ? ' has-active' : ''}`}
        data-testid="alert-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {t('alerts')} <span className="count">{active.length}</span>
      </button>
      {open && (
        <div className="alert-panel" role="dialog" aria-label={t('alerts')} data-testid="alert-panel">
          {list.length === 0 && <div className="muted pad">{t('noAlerts')}</div>}
          {list.map((a) => (
            <div key={a.id} className={`alert-row alert-${a.kind} state-${a.state}`} data-alert={a.id} data-state={a.state}>
              <button type="button" className="alert-go" onClick={() => go(a)} title={t('alertSince', { time: clock(a.raisedAt) })}>
                {describe(a)}
                {a.state !== 'active' && <span className="badge">{t(a.state === 'muted' ? 'alertMuted' : 'alertAcknowledged')}</span>}
              </button>
              {a.state === 'active' ? (
                <button type="button" data-action="acknowledge" onClick={() => decide(a, 'acknowledged')}>
                  {t('alertAck')}
                </button>
              ) : (
                <button type="button" className="ghost" data-action="reactivate" onClick={() => decide(a, 'active')}>
                  {t('alertReactivate')}
                </button>
              )}
              {a.state === 'active' && (
                <button type="button" className="ghost" data-action="mute" onClick={() => decide(a, 'muted')}>
                  {t('alertMute')}
                </button>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
  return slot ? createPortal(bar, slot) : null;
}

import type { IncidentDto } from '@dispatch/protocol';
import { useNow } from '@dispatch/ui';
import { formatDuration } from '../common/format';
import { Panel, Prio } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { ComingTransfers, TransferBadge } from '../hospital/ComingTransfers';
import { isUnfinished, waitSeconds } from './queue';

/**
 * The queue; an entry with an alert not yet acknowledged flashes (a steady highlight when the user asks for reduced
 * motion), one with crew messages not yet opened shows how many.
 */
export function IncidentQueue({
  incidents, selectedId, onSelect, flashing, unreadMessages,
}: { incidents: IncidentDto[]; selectedId: string | null; onSelect: (id: string) => void; flashing: ReadonlySet<string>; unreadMessages: ReadonlyMap<string, number> }) {
  const { t, label } = useI18n();
  const now = useNow();
  return (
    <Panel className="queue" testId="incident-queue" title={<>{t('queue')} <span className="count">{incidents.filter(isUnfinished).length}</span> <kbd>↑</kbd><kbd>↓</kbd></>}>
      {incidents.length === 0 && <div className="muted pad">{t('noIncidents')}</div>}
      <ul>
        {incidents.map((i) => {
          const wait = waitSeconds(i, now);
          const vehicles = i.assignments.filter((a) => !a.endedAt).map((a) => a.callSign);
          return (
            <li
              key={i.id}
              className={`queue-row status-${i.status}${i.id === selectedId ? ' selected' : ''}${flashing.has(i.id) ? ' alerting' : ''}`}
              onClick={() => onSelect(i.id)}
              data-incident={i.number}
            >
              <Prio priority={i.priority} />
              <div className="queue-main">
                <div>
                  <b>#{i.number}</b>
                  {i.transfer && <> <TransferBadge transfer={i.transfer} /></>} {label('category', i.category)} <span className="muted">{i.placeName ?? i.address ?? ''}</span>
                </div>
                <div className="muted small">
                  <span className={`istatus istatus-${i.status}`}>{label('incidentStatus', i.status)}</span>
                  {vehicles.length > 0 && <> · {vehicles.join(', ')}</>}
                  {unreadMessages.has(i.id) && (
                    <span className="badge unread-messages" title={t('taskMessages')} data-testid="unread-messages">
                      {t('unreadMessages', { n: unreadMessages.get(i.id) ?? 0 })}
                    </span>
                  )}
                </div>
              </div>
              <span className={`wait ${!wait.stopped && wait.seconds > 60 ? 'late' : ''} ${wait.stopped ? 'stopped' : ''}`} title={wait.stopped ? t('elapsed') : t('waiting')}>
                {formatDuration(wait.seconds)}
              </span>
            </li>
          );
        })}
      </ul>
      <ComingTransfers />
    </Panel>
  );
}

import type { IncidentDto, VehicleDto } from '@dispatch/protocol';
import { useNow, vehicleColour } from '@dispatch/ui';
import { ageSeconds, formatDuration, isStale } from '../common/format';
import { Panel, TableHead } from '../common/Panel';
import { useI18n } from '../i18n/i18n';

const STATE_ORDER: Record<string, number> = { busy: 0, returning: 1, available: 2, out_of_service: 3 };

/** Every vehicle: status, time in status, incident, and how old its last position is (stale flagged). */
export function FleetBoard({
  vehicles,
  incidents,
  highlight,
  staleAfterS,
  onSelectIncident,
}: {
  vehicles: ReadonlyMap<string, VehicleDto>;
  incidents: ReadonlyMap<string, IncidentDto>;
  highlight: ReadonlySet<string>;
  staleAfterS: number;
  onSelectIncident: (id: string) => void;
}) {
  const { t, label } = useI18n();
  const now = useNow();
  const rows = [...vehicles.values()].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.callSign.localeCompare(b.callSign));
  return (
    <Panel className="fleet" testId="fleet-board" title={<>{t('fleet')} <span className="count">{rows.filter((v) => v.state === 'available').length}/{rows.length}</span></>}>
      <div className="scroll">
        <table className="dense">
          <TableHead columns={['vehicle', 'status', 'timeInStatus', 'incident', 'positionAge']} />
          <tbody>
            {rows.map((v) => {
              const incident = v.incidentId ? incidents.get(v.incidentId) : undefined;
              const age = v.position ? ageSeconds(v.position.deviceTime, now) : null;
              const stale = isStale(v.position?.deviceTime, now, staleAfterS);
              return (
                <tr key={v.id} className={highlight.has(v.id) ? 'hl' : ''} data-vehicle={v.callSign}>
                  <td>
                    <span className="veh-dot" style={{ background: vehicleColour(v.state, v.taskStatus) }} />
                    <b>{v.callSign}</b> <span className="muted small">{label('vehicleKind', v.kind)}</span>
                  </td>
                  <td className="vstatus">{v.taskStatus ? label('taskStatus', v.taskStatus) : label('vehicleState', v.state)}</td>
                  <td className="mono">{formatDuration(ageSeconds(v.stateChangedAt, now))}</td>
                  <td>
                    {incident ? (
                      <a href="#" onClick={(e) => (e.preventDefault(), onSelectIncident(incident.id))}>
                        #{incident.number}
                      </a>
                    ) : (
                      ''
                    )}
                  </td>
                  <td className={`mono ${stale ? 'stale' : ''}`}>
                    {age === null ? t('noPosition') : formatDuration(age)}
                    {age !== null && stale && <span className="badge stale-badge">{t('stale')}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

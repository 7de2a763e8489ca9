import type { IncidentDto, StationDto, VehicleDto } from '@dispatch/protocol';
import { Fragment } from 'react';
import { useNow, vehicleColour } from '@dispatch/ui';
import { ageSeconds, formatDuration, isStale } from '../common/format';
import { Panel, TableHead } from '../common/Panel';
import { useI18n } from '../i18n/i18n';

const STATE_ORDER: Record<string, number> = { busy: 0, returning: 1, available: 2, out_of_service: 3 };

/**
 * Every vehicle by home station, each station with how many of its vehicles are free: status, time in status,
 * incident, and how old its last position is (stale flagged).
 */
export function FleetBoard({
  vehicles,
  stations,
  incidents,
  highlight,
  staleAfterS,
  onSelectIncident,
}: {
  vehicles: ReadonlyMap<string, VehicleDto>;
  stations: readonly StationDto[];
  incidents: ReadonlyMap<string, IncidentDto>;
  highlight: ReadonlySet<string>;
  staleAfterS: number;
  onSelectIncident: (id: string) => void;
}) {
  const { t, name } = useI18n();
  const rows = [...vehicles.values()].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.callSign.localeCompare(b.callSign));
  const groups = stations
    .map((station) => ({ station, members: rows.filter((v) => v.homeStationId === station.id) }))
    .filter((g) => g.members.length > 0);
  const known = new Set(stations.map((s) => s.id));
  const unknownStation = rows.filter((v) => !known.has(v.homeStationId));
  // A vehicle whose station this console has not loaded yet still shows, under no name.
  if (unknownStation.length) groups.push({ station: { id: '', code: '', name: '—' } as StationDto, members: unknownStation });
  return (
    <Panel className="fleet" testId="fleet-board" title={<>{t('fleet')} <span className="count">{rows.filter((v) => v.state === 'available').length}/{rows.length}</span></>}>
      <div className="scroll">
        <table className="dense">
          <TableHead columns={['vehicle', 'status', 'timeInStatus', 'incident', 'positionAge']} />
          <tbody>
            {groups.map(({ station, members }) => (
              <Fragment key={station.id}>
                <tr className="station-row" data-station={station.code}>
                  <th colSpan={5}>
                    {name(station)}{' '}
                    <span className="count" title={t('freeOfTotal')}>
                      {members.filter((v) => v.state === 'available').length}/{members.length}
                    </span>
                  </th>
                </tr>
                {members.map((v) => (
                  <VehicleRow
                    key={v.id}
                    vehicle={v}
                    incident={v.incidentId ? incidents.get(v.incidentId) : undefined}
                    highlighted={highlight.has(v.id)}
                    staleAfterS={staleAfterS}
                    onSelectIncident={onSelectIncident}
                  />
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

/** One vehicle: status, time in status, its incident (a link that selects it), position age. */
function VehicleRow({ vehicle: v, incident, highlighted, staleAfterS, onSelectIncident }: {
  vehicle: VehicleDto;
  incident: IncidentDto | undefined;
  highlighted: boolean;
  staleAfterS: number;
  onSelectIncident: (id: string) => void;
}) {
  const { t, label } = useI18n();
  const now = useNow();
  const age = v.position ? ageSeconds(v.position.deviceTime, now) : null;
  const stale = isStale(v.position?.deviceTime, now, staleAfterS);
  return (
    <tr className={highlighted ? 'hl' : ''} data-vehicle={v.callSign}>
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
}

import type { IncidentDto, StationDto, VehicleDto } from '@dispatch/protocol';
import { memo, useMemo, useState, type UIEvent } from 'react';
import { useNow, vehicleColour } from '@dispatch/ui';
import { ageSeconds, formatDuration, isStale } from '../common/format';
import { Panel, TableHead } from '../common/Panel';
import { useI18n } from '../i18n/i18n';
import { useLiveContext } from '../realtime/useLive';

const STATE_ORDER: Record<string, number> = { busy: 0, returning: 1, available: 2, out_of_service: 3 };
/** Above this many lines (vehicles and station headings) only the lines in view are drawn, each this tall (styles.css). */
const WINDOW_ABOVE = 200;
const LINE_PX = 22;
/** Lines drawn beyond the view on each side, so a scroll shows drawn lines before React catches up. */
const OVERSCAN = 8;

type Line = { kind: 'station'; station: StationDto; free: number; total: number } | { kind: 'vehicle'; vehicle: VehicleDto };

/**
 * Every vehicle by home station, each station with how many of its vehicles are free: status, time in status,
 * incident, and how old its last position is (stale flagged). Positions do not re-render it (they are read from the
 * connection as the clock ticks), and a big fleet draws only the lines in view.
 */
export const FleetBoard = memo(function FleetBoard({
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
  const { connection } = useLiveContext();
  // One clock for every line (ages and times in status tick together).
  const now = useNow();
  const [view, setView] = useState({ top: 0, height: 400 });
  const { lines, free, total } = useMemo(() => linesOf(vehicles, stations), [vehicles, stations]);
  const windowed = lines.length > WINDOW_ABOVE;
  const first = windowed ? Math.max(0, Math.floor(view.top / LINE_PX) - OVERSCAN) : 0;
  const last = windowed ? Math.min(lines.length, Math.ceil((view.top + view.height) / LINE_PX) + OVERSCAN) : lines.length;
  // The heading of the station the view is in, drawn in the line just above the window so that it sticks.
  let heading = first - 1;
  while (heading >= 0 && lines[heading]!.kind !== 'station') heading--;
  const from = heading >= 0 ? first - 1 : first;
  const onScroll = windowed
    ? (e: UIEvent<HTMLDivElement>) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
    : undefined;
  return (
    <Panel className="fleet" testId="fleet-board" title={<>{t('fleet')} <span className="count">{free}/{total}</span></>}>
      <div className="scroll" onScroll={onScroll}>
        <table className={`dense ${windowed ? 'windowed' : ''}`} data-vehicle-count={total}>
          <TableHead columns={['vehicle', 'status', 'timeInStatus', 'incident', 'positionAge']} />
          <tbody>
            {from > 0 && <tr className="spacer" style={{ height: from * LINE_PX }} />}
            {[...(heading >= 0 ? [lines[heading]!] : []), ...lines.slice(first, last)].map((line) =>
              line.kind === 'station' ? (
                <tr key={`s:${line.station.id}`} className="station-row" data-station={line.station.code}>
                  <th colSpan={5}>
                    {name(line.station)}{' '}
                    <span className="count" title={t('freeOfTotal')}>
                      {line.free}/{line.total}
                    </span>
                  </th>
                </tr>
              ) : (
                <VehicleRow
                  key={line.vehicle.id}
                  vehicle={line.vehicle}
                  incident={line.vehicle.incidentId ? incidents.get(line.vehicle.incidentId) : undefined}
                  highlighted={highlight.has(line.vehicle.id)}
                  fixTime={connection.positionOf(line.vehicle.id)?.deviceTime}
                  now={now}
                  staleAfterS={staleAfterS}
                  onSelectIncident={onSelectIncident}
                />
              ),
            )}
            {last < lines.length && <tr className="spacer" style={{ height: (lines.length - last) * LINE_PX }} />}
          </tbody>
        </table>
      </div>
    </Panel>
  );
});

/** The board's lines: each station's heading (free/total) then its vehicles, busy first; vehicles of a station not loaded yet last, under no name. */
function linesOf(vehicles: ReadonlyMap<string, VehicleDto>, stations: readonly StationDto[]) {
  const rows = [...vehicles.values()].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.callSign.localeCompare(b.callSign));
  const byStation = new Map<string, VehicleDto[]>();
  for (const v of rows) {
    const members = byStation.get(v.homeStationId);
    if (members) members.push(v);
    else byStation.set(v.homeStationId, [v]);
  }
  const groups = stations.flatMap((station) => {
    const members = byStation.get(station.id);
    byStation.delete(station.id);
    return members ? [{ station, members }] : [];
  });
  const unknownStation = [...byStation.values()].flat();
  if (unknownStation.length) groups.push({ station: { id: '', code: '', name: '—' } as StationDto, members: unknownStation });
  const isFree = (v: VehicleDto) => v.state === 'available';
  const lines: Line[] = groups.flatMap(({ station, members }) => [
    { kind: 'station' as const, station, free: members.filter(isFree).length, total: members.length },
    ...members.map((vehicle) => ({ kind: 'vehicle' as const, vehicle })),
  ]);
  return { lines, free: rows.filter(isFree).length, total: rows.length };
}

/** One vehicle: status, time in status, its incident (a link that selects it), position age. */
const VehicleRow = memo(function VehicleRow({ vehicle: v, incident, highlighted, fixTime, now, staleAfterS, onSelectIncident }: {
  vehicle: VehicleDto;
  incident: IncidentDto | undefined;
  highlighted: boolean;
  /** The device time of its newest fix, if it has one. */
  fixTime: string | undefined;
  now: number;
  staleAfterS: number;
  onSelectIncident: (id: string) => void;
}) {
  const { t, label } = useI18n();
  const age = fixTime ? ageSeconds(fixTime, now) : null;
  const stale = isStale(fixTime, now, staleAfterS);
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
});

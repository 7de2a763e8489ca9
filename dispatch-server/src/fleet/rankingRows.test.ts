import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankingVehicles } from './fleetState';
import type { FleetPosition, FleetStation, FleetVehicle, RankingVehicle } from './fleetTables';
import { RankingRows } from './rankingRows';

const byId = (rows: readonly RankingVehicle[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Tables as the fleet state holds them, changed at random the ways notes report (each change names what it touched). */
function fleetOf(random: () => number) {
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const stationIds = ['s0', 's1', 's2', 's3', 's-gone'];
  const tables = { vehicles: new Map<string, FleetVehicle>(), positions: new Map<string, FleetPosition>(), stations: new Map<string, FleetStation>(), hospitals: new Map() };
  const station = (id: string): FleetStation => ({ id, code: id.toUpperCase(), name: id, centre_id: pick(['A', 'B']), lon: random(), lat: random() });
  const vehicle = (id: string): FleetVehicle => ({
    id, call_sign: `${id}-${Math.floor(random() * 100)}`, kind: 'negative_pressure_ambulance', capabilities: random() < 0.5 ? ['als'] : ['bls'],
    in_service: random() < 0.9, state: pick(['available', 'busy', 'returning'] as const), home_station_id: pick(stationIds),
    task_status: pick([null, 'dispatched', 'handover']), task_incident_number: random() < 0.5 ? null : 7, task_centre_id: null,
  });
  const fix = (id: string): FleetPosition => ({ vehicle_id: id, lon: random(), lat: random(), device_ms: 1.7e12 + random() * 1e6 });
  for (const id of stationIds.slice(0, 4)) tables.stations.set(id, station(id));
  for (let i = 0; i < 30; i++) {
    tables.vehicles.set(`v${i}`, vehicle(`v${i}`));
    if (random() < 0.8) tables.positions.set(`v${i}`, fix(`v${i}`));
  }
  /** One change as a command makes it: what it names in its note. */
  const change = (): { vehicles?: string[]; positions?: string[]; stations?: string[] } => {
    const v = `v${Math.floor(random() * 36)}`;
    const s = pick(stationIds);
    switch (Math.floor(random() * 6)) {
      case 0: // a vehicle changed, added (v30..v35) or its home station changed
        tables.vehicles.set(v, vehicle(v));
        return { vehicles: [v] };
      case 1:
        tables.vehicles.delete(v);
        return { vehicles: [v] };
      case 2: // a fix came in
        tables.positions.set(v, fix(v));
        return { positions: [v] };
      case 3:
        tables.positions.delete(v);
        return { positions: [v] };
      case 4: // a station moved, changed centre or came (s-gone too)
        tables.stations.set(s, station(s));
        return { stations: [s] };
      default: // a station deleted: its vehicles are left out, as the join leaves them
        tables.stations.delete(s);
        return { stations: [s] };
    }
  };
  return { tables, change };
}

describe('the ranking rows kept in the fleet state', () => {
  it('equal the rows read afresh after any sequence of vehicle, position and station changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 60 }), (seed, steps) => {
        const { tables, change } = fleetOf(seededRandom(seed));
        const rows = new RankingRows();
        rows.rebuild(tables);
        expect(byId(rows.list())).toEqual(byId(rankingVehicles(tables)));
        for (let i = 0; i < steps; i++) {
          // Several changes per note batch, as a flush takes what arrived meanwhile.
          const named = [change(), change()];
          for (const c of named) {
            rows.update(tables, c.vehicles ?? []);
            rows.update(tables, c.positions ?? []);
            rows.updateStations(tables, c.stations ?? []);
          }
          expect(byId(rows.list())).toEqual(byId(rankingVehicles(tables)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never change a list already handed out: a change goes to a copy', () => {
    const { tables } = fleetOf(seededRandom(42));
    const rows = new RankingRows();
    rows.rebuild(tables);
    const held = rows.list();
    const before = JSON.stringify(held);
    const someone = held.find((r) => tables.positions.has(r.id))!;
    tables.positions.set(someone.id, { vehicle_id: someone.id, lon: 9, lat: 9, device_ms: 1 });
    rows.update(tables, [someone.id]);
    const gone = held.find((r) => r.id !== someone.id)!;
    tables.vehicles.delete(gone.id);
    rows.update(tables, [gone.id]);
    expect(JSON.stringify(held)).toBe(before);
    const now = rows.list();
    expect(now).not.toBe(held);
    expect(now.find((r) => r.id === someone.id)).toMatchObject({ lon: 9, lat: 9, device_ms: 1 });
    expect(now.some((r) => r.id === gone.id)).toBe(false);
  });
});

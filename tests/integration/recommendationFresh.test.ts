import type { IncidentDto, RecommendationDto } from '@dispatch/protocol';
import { FleetState } from '@dispatch/server/fleet/fleetState';
import { createLogger } from '@dispatch/server/logger';
import { getIncident } from '@dispatch/server/incidents/incidents';
import { computeRecommendation } from '@dispatch/server/recommendations/computeRecommendation';
import { recommendForIncident } from '@dispatch/server/recommendations/recommendForIncident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSuite } from '../support/demoSuite';

/** A recommendation without what differs from one moment to the next (when it was made, how long it took, fixes' ages). */
const comparable = (r: RecommendationDto) => ({
  ...r,
  computedAt: null,
  computeMs: null,
  candidates: r.candidates.map((c) => ({ ...c, positionAgeSeconds: null })),
});

/**
 * A recommendation searches the fleet as held in memory while its sync token travels to PostgreSQL and back, and keeps
 * that search only when the sync brought no change (fleet/fleetState.ts, recommendations/computeRecommendation.ts).
 * Here a change is committed and the recommendation asked for at once, before the change's note can have been
 * applied: it must be what a fleet state freshly read from the database gives.
 */
describe('a recommendation asked for right after a change is what a fresh read of the database gives', () => {
  const { server, clients: [dispatcher] } = demoSuite({}, 'dispatcher');
  const log = createLogger('silent');
  /** A second fleet state, as another server process holds it: its notes come only through PostgreSQL. */
  let other: FleetState;
  beforeAll(() => {
    other = new FleetState(server.database.db, log, { reconcileMs: 3_600_000 });
    other.start();
  });
  afterAll(() => other.close());

  const recommend = (fleet: FleetState, incident: IncidentDto) => {
    const { db, travel, policy } = server.app.ctx;
    return computeRecommendation(db, travel, fleet, incident, policy);
  };
  /** The recommendation on a fleet state read from the database just now (nothing held before). */
  const fresh = async (incident: IncidentDto) => {
    const state = new FleetState(server.database.db, log, { reconcileMs: 3_600_000 });
    state.start();
    try {
      return await recommend(state, incident);
    } finally {
      await state.close();
    }
  };
  /** Commits `sql` and its fleet note in one transaction, as a command does, and resolves on the commit. */
  const commitWithNote = async (sql: string, params: unknown[], note: string) => {
    const client = await server.database.db.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql, params);
      await client.query("SELECT pg_notify('fleet_changed', $1)", [note]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  /** `change` committed, then the recommendation asked for at once: the held state it starts on is the one before. */
  const rightAfter = async (incident: IncidentDto, change: () => Promise<void>) => {
    const before = (await other.forIncident(incident.id)).version;
    await change();
    const recommendation = await recommend(other, incident);
    // The change's note was applied by the time the recommendation answered (its sync waited for it).
    expect((await other.forIncident(incident.id)).version).toBeGreaterThan(before);
    return recommendation;
  };
  const newIncident = async () => {
    const { id } = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    return getIncident(server.database.db, id);
  };

  it("changes the destination at once when the proposed hospital closes or reopens", async () => {
    const incident = await newIncident();
    const first = await recommend(other, incident);
    const hospitalId = first.proposedHospital!.hospitalId;
    const closed = await rightAfter(incident, () => commitWithNote("UPDATE hospitals SET load_status = 'closed' WHERE id = $1", [hospitalId], `h:${hospitalId}`));
    expect(closed.proposedHospital?.hospitalId).not.toBe(hospitalId);
    expect(closed.hospitalOptions.find((h) => h.hospitalId === hospitalId)?.skippedBecause).toBe('closed');
    expect(comparable(closed)).toEqual(comparable(await fresh(incident)));
    const reopened = await rightAfter(incident, () => commitWithNote("UPDATE hospitals SET load_status = 'blue' WHERE id = $1", [hospitalId], `h:${hospitalId}`));
    expect(reopened.proposedHospital?.hospitalId).toBe(hospitalId);
    expect(comparable(reopened)).toEqual(comparable(await fresh(incident)));
  });

  it('ranks a vehicle from where it has just moved, at once', async () => {
    const incident = await newIncident();
    const first = await recommend(other, incident);
    expect(first.candidates.length).toBeGreaterThan(1);
    const nearest = first.candidates[0]!;
    // The nearest vehicle moves to the station farthest from the call.
    const moved = await rightAfter(incident, () =>
      commitWithNote(
        `UPDATE vehicle_positions_latest SET device_time = now(), location =
           (SELECT location FROM stations ORDER BY location <-> ST_SetSRID(ST_MakePoint($2, $3), 4326) DESC LIMIT 1)
          WHERE vehicle_id = $1`,
        [nearest.vehicleId, incident.location.lon, incident.location.lat],
        `p:${nearest.vehicleId}`,
      ),
    );
    const after = [...moved.candidates, ...moved.excluded].find((c) => c.vehicleId === nearest.vehicleId)!;
    expect('etaSeconds' in after ? after.etaSeconds : Infinity).toBeGreaterThan(nearest.etaSeconds);
    expect(moved.candidates[0]!.vehicleId).not.toBe(nearest.vehicleId);
    expect(comparable(moved)).toEqual(comparable(await fresh(incident)));
  });

  it('reads the crews that let the call time out with the sync token, and proposes them last', async () => {
    const incident = await newIncident();
    const first = await recommend(other, incident);
    const pick = first.candidates[0]!;
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'test' } });
    expect((await other.forIncident(incident.id)).timedOut).toEqual([]);
    // As the acknowledgement timer would have ended it.
    await commitWithNote("UPDATE assignments SET status = 'timed_out' WHERE id = $1", [offer.assignment.id], `v:${pick.vehicleId}`);
    expect((await other.forIncident(incident.id)).timedOut).toEqual([pick.vehicleId]);
    const again = await recommend(other, await getIncident(server.database.db, incident.id));
    expect(again.candidates.at(-1)!.vehicleId).toBe(pick.vehicleId);
    expect(comparable(again)).toEqual(comparable(await fresh(await getIncident(server.database.db, incident.id))));
  });

  it('records its plan on the incident as the incident is then: a cancel or a chosen hospital that landed meanwhile stays', async () => {
    // The route hands over the incident it has just read; both changes land after that read.
    const cancelled = await newIncident();
    await dispatcher.call('cancelIncident', { params: { id: cancelled.id }, body: { reason: 'test' } });
    await recommendForIncident(server.app.ctx, cancelled.id, cancelled);
    expect((await getIncident(server.database.db, cancelled.id)).status).toBe('cancelled');

    const chosen = await newIncident();
    const proposed = (await recommend(other, chosen)).proposedHospital!.hospitalId;
    const elsewhere = (await dispatcher.call('listHospitals')).find((h) => h.id !== proposed)!;
    await server.database.db.query('UPDATE incidents SET destination_hospital_id = $2 WHERE id = $1', [chosen.id, elsewhere.id]);
    await recommendForIncident(server.app.ctx, chosen.id, chosen);
    const after = await getIncident(server.database.db, chosen.id);
    expect(after).toMatchObject({ status: 'open', destinationHospitalId: elsewhere.id });
    expect(after.responsibleStationId).toBeTruthy();
  });
});

import { execFileSync } from 'node:child_process';
import type { IncidentDto, RecommendationDto } from '@dispatch/protocol';
import { FleetState } from '@dispatch/server/fleet/fleetState';
import { getIncident } from '@dispatch/server/incidents/incidents';
import { createLogger } from '@dispatch/server/logger';
import { computeRecommendation } from '@dispatch/server/recommendations/computeRecommendation';
import { recommendForIncident } from '@dispatch/server/recommendations/recommendForIncident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';

/** A recommendation without what differs from one moment to the next (when it was made, how long it took, fixes' ages). */
const comparable = (r: RecommendationDto) => ({
  ...r,
  computedAt: null,
  computeMs: null,
  candidates: r.candidates.map((c) => ({ ...c, positionAgeSeconds: null })),
});

/**
 * recommendForIncident pushes the ranking on the fleet as this process holds it at once, without waiting for the fleet
 * sync's answer, and a corrected one when the sync then brings a change that alters it (recommendations/
 * recommendForIncident.ts). The last one pushed, the one answered and the one recorded must be what a fleet state
 * freshly read from the database gives: every change committed before the request is in.
 */
describe('a recommendation pushed on the fleet as held, corrected when the sync brings a change', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({}, 'dispatcher');
  const log = createLogger('silent');
  let consoleSocket: Awaited<ReturnType<typeof openSocket>>;
  beforeAll(async () => {
    consoleSocket = await openSocket(server.baseUrl, tokens.dispatcher);
  });
  afterAll(() => consoleSocket.close());

  /** The recommendation on a fleet state read from the database just now (nothing held before). */
  const fresh = async (incident: IncidentDto) => {
    const state = new FleetState(server.database.db, log, { reconcileMs: 3_600_000 });
    state.start();
    try {
      const { db, travel, policy } = server.app.ctx;
      return await computeRecommendation(db, travel, state, incident, policy);
    } finally {
      await state.close();
    }
  };
  /** A new call, once the intake's own recommendation has been pushed and recorded (its incident.updated came). */
  const newIncident = async () => {
    const { id } = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    await consoleSocket.waitFor('incident.updated', (i: IncidentDto) => i.id === id && i.responsibleStationId !== null);
    return getIncident(server.database.db, id);
  };
  /**
   * Runs recommendForIncident as `start` begins it, and gives every recommendation it pushed to the console: those
   * received before the incident.updated it sends once its plan is recorded (one server, so one order).
   */
  const pushesOf = async (incident: IncidentDto, start: () => Promise<RecommendationDto>) => {
    const from = consoleSocket.received.length;
    const answered = await start();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no incident.updated after the recommendation')), 10_000);
      const look = () => {
        if (consoleSocket.received.slice(from).some((r) => r.event === 'incident.updated' && r.payload.id === incident.id)) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(look, 10);
      };
      look();
    });
    const pushed = consoleSocket.received
      .slice(from)
      .filter((r) => r.event === 'recommendation.computed' && r.payload.incidentId === incident.id)
      .map((r) => r.payload as RecommendationDto);
    return { answered, pushed };
  };

  /**
   * Another process (psql) changes a vehicle's latest fix and commits it with its note, while this process's event loop
   * is blocked: the note has come to the listening socket but is not read when this returns.
   */
  const committedElsewhere = (vehicleId: string, set: string) =>
    execFileSync('psql', [server.database.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `
      BEGIN;
      UPDATE vehicle_positions_latest SET ${set} WHERE vehicle_id = '${vehicleId}';
      SELECT pg_notify('fleet_changed', 'p:${vehicleId}');
      COMMIT;`]);

  it('pushes once when the sync brings nothing new: the one answered', async () => {
    const incident = await newIncident();
    await server.app.ctx.fleet.current();
    const { answered, pushed } = await pushesOf(incident, () => recommendForIncident(server.app.ctx, incident.id, incident, () => undefined));
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toEqual(answered);
  });

  /**
   * A new call, its recommendation on a fleet read just now (`before`), and its nearest vehicle moved by another process
   * to the station farthest from the call (its note not read yet). Nothing is being read in when it starts.
   */
  const nearestMovedAway = async () => {
    const incident = await newIncident();
    await server.app.ctx.fleet.current();
    const before = await fresh(incident);
    const nearest = before.candidates[0]!;
    const { lon, lat } = incident.location;
    committedElsewhere(nearest.vehicleId, `device_time = now(), location =
      (SELECT location FROM stations ORDER BY location <-> ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326) DESC LIMIT 1)`);
    return { incident, before, nearest };
  };
  /** The held push was the ranking before the move; the corrected one, answered, is what a fresh read gives. */
  const expectHeldThenCorrected = async (r: { incident: IncidentDto; before: RecommendationDto; nearest: { vehicleId: string }; answered: RecommendationDto; pushed: RecommendationDto[] }) => {
    expect(r.pushed).toHaveLength(2);
    expect(comparable(r.pushed[0]!)).toEqual(comparable(r.before));
    expect(r.pushed[1]!.candidates[0]!.vehicleId).not.toBe(r.nearest.vehicleId);
    expect(r.pushed[1]).toEqual(r.answered);
    expect(comparable(r.answered)).toEqual(comparable(await fresh(r.incident)));
  };

  it('pushes the held ranking first, then the corrected one, when another process moved a vehicle a moment before', async () => {
    const { incident, before, nearest } = await nearestMovedAway();
    // Asked for in the same turn, so its held fleet is the one before the move.
    const { answered, pushed } = await pushesOf(incident, () => recommendForIncident(server.app.ctx, incident.id, incident, () => undefined));
    await expectHeldThenCorrected({ incident, before, nearest, answered, pushed });
    expect((await getIncident(server.database.db, incident.id)).responsibleStationId).toBe(answered.responsibleStation?.stationId ?? null);
  });

  it('pushes the held ranking while a note is being read in (vehicles moving), then the corrected one', async () => {
    const { incident, before, nearest } = await nearestMovedAway();
    const { fleet } = server.app.ctx;
    // The loop runs again: the note is taken from the socket, and its rows read from PostgreSQL (a later turn brings
    // them). Checked after each turn's I/O, so the call below arrives while the note is noted or being read in.
    for (let turns = 0; fleet.heldVersion() !== null; turns++) {
      if (turns > 100_000) throw new Error('the note never came');
      await new Promise((resolve) => setImmediate(resolve));
    }
    // A note being read in (a caller that would throw a speculative reading away gets none), the whole fleet not.
    expect(fleet.heldVersion({ whileReading: true })).not.toBeNull();
    const { answered, pushed } = await pushesOf(incident, () => recommendForIncident(server.app.ctx, incident.id, incident, () => undefined));
    await expectHeldThenCorrected({ incident, before, nearest, answered, pushed });
  });

  it('corrects the held ranking for a fix of another time at the same place (its age)', async () => {
    const incident = await newIncident();
    await server.app.ctx.fleet.current();
    const nearest = (await fresh(incident)).candidates[0]!;
    committedElsewhere(nearest.vehicleId, "device_time = now() - interval '45 seconds'");
    const { answered, pushed } = await pushesOf(incident, () => recommendForIncident(server.app.ctx, incident.id, incident, () => undefined));
    expect(pushed).toHaveLength(2);
    expect(pushed[1]!.candidates.find((c) => c.vehicleId === nearest.vehicleId)?.positionAgeSeconds).toBeGreaterThanOrEqual(45);
    expect(pushed[0]!.candidates.find((c) => c.vehicleId === nearest.vehicleId)?.positionAgeSeconds).toBeLessThan(45);
    expect(pushed[1]).toEqual(answered);
    expect(comparable(answered)).toEqual(comparable(await fresh(incident)));
  });

  it('corrects the held ranking with the crews that let the call time out since the incident given was read', async () => {
    const incident = await newIncident();
    const pick = (await fresh(incident)).candidates[0]!;
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'test' } });
    // As the acknowledgement timer would have ended it; `incident` was read before.
    await server.database.db.query("UPDATE assignments SET status = 'timed_out' WHERE id = $1", [offer.assignment.id]);
    await server.app.ctx.fleet.current();
    const { answered, pushed } = await pushesOf(incident, () => recommendForIncident(server.app.ctx, incident.id, incident, () => undefined));
    expect(pushed).toHaveLength(2);
    expect(pushed[0]!.candidates[0]!.vehicleId).toBe(pick.vehicleId);
    expect(pushed[1]!.candidates.at(-1)!.vehicleId).toBe(pick.vehicleId);
    expect(pushed[1]).toEqual(answered);
    expect(comparable(answered)).toEqual(comparable(await fresh(await getIncident(server.database.db, incident.id))));
  });
});

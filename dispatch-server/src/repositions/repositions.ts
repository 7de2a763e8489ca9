import { inTransaction, isUuid, sqlFile, type Queryable } from '@dispatch/db';
import { RepositionDto, RouteDto, rooms, type RepositionStatusRequest } from '@dispatch/protocol';
import { z } from 'zod';
import { staffRoomsOfVehicle } from '../centres/centres';
import { appendAudit, type Actor } from '../audit/audit';
import type { DispatchContext } from '../dispatchContext';
import { HttpError } from '../http/errors';
import { authorize, type Resource } from '../policies/policies';
import { getVehicle } from '../vehicles/vehicles';

/**
 * Move-up (issue 13): a free vehicle sent to stand by at a station. Not an incident and not an assignment: the
 * vehicle stays `available`, so the recommendations keep offering it (a call on the way is served from where it
 * is), and a dispatch ends the reposition. States: offered → accepted → arrived, or cancelled; the arrived station
 * is the vehicle's post for the coverage figure and the next suggestion until its next task (liveCoverage.sql).
 */

const id = z.object({ id: z.string() });
const sql = sqlFile(new URL('./repositions.sql', import.meta.url), {
  vehicleForUpdate: { params: id, row: z.object({ id: z.string(), inService: z.boolean(), state: z.string() }) },
  station: { params: id, row: z.object({ id: z.string(), name: z.string(), lon: z.number(), lat: z.number(), centre_id: z.string() }) },
  vehicleCentre: { params: id, row: z.object({ centre_id: z.string() }) },
  cancelOpen: { params: z.object({ vehicleId: z.string() }), row: id },
  insert: {
    params: z.object({
      vehicleId: z.string(), stationId: z.string(), route: z.string().nullable(), expectedBefore: z.number().nullable(),
      expectedAfter: z.number().nullable(), createdBy: z.string().nullable(),
    }),
    row: id,
  },
  openOf: { params: z.object({ vehicleId: z.string() }), row: z.object({ id: z.string(), state: z.string() }) },
  setState: { params: z.object({ id: z.string(), state: z.string() }), row: id },
  get: { params: id, row: RepositionDto.extend({ route: RouteDto.nullable() }) },
  sweep: { params: z.object({ arrivedM: z.number() }), row: id },
});

/** Within this of the station a fresh position counts as arrived. */
const ARRIVED_M = 150;

/**
 * What a reposition is checked against: the vehicle (a crew's own) and its centre, so a centre's staff move and read
 * only their own centre's vehicles (403 other_centre); an unknown vehicle leaves the centre open for the 404.
 */
async function vehicleResource(db: Queryable, vehicleId: string): Promise<Resource> {
  const row = isUuid(vehicleId) ? await sql.vehicleCentre.one(db, { id: vehicleId }) : undefined;
  return { vehicleId, centreId: row?.centre_id ?? null };
}

export async function getReposition(db: Queryable, repositionId: string): Promise<RepositionDto> {
  const row = await sql.get.one(db, { id: repositionId });
  if (!row) throw new HttpError(404, `id: no reposition ${repositionId}`);
  return row;
}

/** Tells the vehicle's crew and the dispatchers where a reposition stands. */
export async function publishReposition(ctx: DispatchContext, repositionId: string): Promise<RepositionDto> {
  const reposition = await getReposition(ctx.db, repositionId);
  ctx.events.publish([...(await staffRoomsOfVehicle(ctx.db, reposition.vehicleId)), rooms.vehicle(reposition.vehicleId)], 'reposition.updated', reposition);
  return reposition;
}

/**
 * Sends a free vehicle to stand by at a station, with the road route from where it is (its open reposition, if
 * any, is replaced). 404 for an unknown vehicle or station, 409 for a vehicle busy or out of service.
 * @param expected DMEXCLP's expected coverage before and after, when the dispatcher sent a suggestion.
 */
export async function sendReposition(
  ctx: DispatchContext,
  actor: Actor,
  vehicleId: string,
  stationId: string,
  expected: { before: number; after: number } | null = null,
): Promise<RepositionDto> {
  const vehicle = await getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds);
  authorize(actor.principal, 'reposition.send', { vehicleId, centreId: vehicle.centreId });
  const station = await sql.station.one(ctx.db, { id: stationId });
  if (!station) throw new HttpError(404, `stationId: no station ${stationId}`);
  // A centre's vehicle stands by in its own area: a neighbour's station is cross-centre help, asked for per call.
  authorize(actor.principal, 'reposition.send', { centreId: station.centre_id });
  // The route is computed before the transaction (it needs no lock): from the vehicle's fresh position, else from
  // its home station; a vehicle far from any road goes without one.
  const home = vehicle.position && !vehicle.position.stale ? null : await sql.station.one(ctx.db, { id: vehicle.homeStationId });
  const from: [number, number] | null = home ? [home.lon, home.lat] : vehicle.position ? [vehicle.position.lon, vehicle.position.lat] : null;
  const route = from ? await ctx.travel.route(from, [station.lon, station.lat]).catch(() => null) : null;
  const repositionId = await inTransaction(ctx.db, async (client) => {
    const locked = await sql.vehicleForUpdate.one(client, { id: vehicleId });
    if (!locked) throw new HttpError(404, `id: no vehicle ${vehicleId}`);
    if (!locked.inService) throw new HttpError(409, 'id: the vehicle is out of service');
    if (locked.state !== 'available') throw new HttpError(409, `id: the vehicle is ${locked.state}, not free`);
    const replaced = await sql.cancelOpen.rows(client, { vehicleId });
    const inserted = (await sql.insert.one(client, {
      vehicleId, stationId, route: route ? JSON.stringify(route) : null,
      expectedBefore: expected?.before ?? null, expectedAfter: expected?.after ?? null, createdBy: actor.principal?.userId ?? null,
    }))!;
    await appendAudit(client, actor, 'reposition.sent', { type: 'vehicle', id: vehicleId }, { repositionId: inserted.id, stationId, replaced: replaced.map((r) => r.id) });
    return { id: inserted.id, replaced: replaced.map((r) => r.id) };
  });
  await Promise.all(repositionId.replaced.map((r) => publishReposition(ctx, r)));
  return publishReposition(ctx, repositionId.id);
}

/** The vehicle's open reposition, or null; a crew reads only its own vehicle's. */
export async function openReposition(ctx: DispatchContext, actor: Actor, vehicleId: string): Promise<RepositionDto | null> {
  authorize(actor.principal, 'reposition.read', await vehicleResource(ctx.db, vehicleId));
  await getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds);
  const open = await sql.openOf.one(ctx.db, { vehicleId });
  return open ? getReposition(ctx.db, open.id) : null;
}

const next: Record<string, string[]> = { offered: ['accepted', 'arrived', 'cancelled'], accepted: ['arrived', 'cancelled'] };

/** The crew accepts or arrives, or a dispatcher (or the crew) cancels; 404 when none is open, 409 for a step back. */
export async function reportReposition(ctx: DispatchContext, actor: Actor, vehicleId: string, body: RepositionStatusRequest): Promise<RepositionDto> {
  authorize(actor.principal, 'reposition.report', await vehicleResource(ctx.db, vehicleId));
  const changed = await inTransaction(ctx.db, async (client) => {
    const open = await sql.openOf.one(client, { vehicleId });
    if (!open) throw new HttpError(404, 'id: the vehicle has no open reposition');
    if (open.state === body.state) return open.id;
    if (!next[open.state]?.includes(body.state)) throw new HttpError(409, `state: a reposition ${open.state} cannot become ${body.state}`);
    await sql.setState.run(client, { id: open.id, state: body.state });
    await appendAudit(client, actor, `reposition.${body.state}`, { type: 'vehicle', id: vehicleId }, { repositionId: open.id });
    return open.id;
  });
  return publishReposition(ctx, changed);
}

/** Ends the open repositions that ended by themselves (dispatched, out of service, or at the station); their ids. */
export async function sweepRepositions(db: Queryable): Promise<string[]> {
  return (await sql.sweep.rows(db, { arrivedM: ARRIVED_M })).map((r) => r.id);
}

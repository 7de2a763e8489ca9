import { CentreDto, rooms, type CandidateDto, type CrossCentreCandidateDto, type Principal } from '@dispatch/protocol';
import { isUuid, type Queryable, sqlFile } from '@dispatch/db';
import { type Action, authorize, centreScope } from '../policies/policies';
import { z } from 'zod';
import type { FleetState } from '../fleet/fleetState';
import type { FleetTables } from '../fleet/fleetTables';

/**
 * Several dispatch centres (counties) in one database (issue 15): which centre a vehicle belongs to, the centres'
 * names, and the other centres' free vehicles a recommendation lists as help. Who may see which centre is the
 * policy's (policies/policies.ts centreScope); which rooms hear of it, the protocol's (rooms.centreStaff).
 */
const sql = sqlFile(new URL('./centres.sql', import.meta.url), {
  list: { row: CentreDto },
  ofVehicle: { params: z.object({ vehicleId: z.string() }), row: z.object({ centre_id: z.string(), call_sign: z.string(), task_centre_id: z.string().nullable() }) },
  ofIncident: { params: z.object({ incidentId: z.string() }), row: z.object({ centre_id: z.string(), helping: z.array(z.string()) }) },
  ofHospitals: { params: z.object({ hospitalIds: z.array(z.string()) }), row: z.object({ centre_id: z.string() }) },
  ofAssignment: { params: z.object({ assignmentId: z.string() }), row: z.object({ centre_id: z.string(), help_from_centre_id: z.string().nullable() }) },
});

/**
 * For a dispatcher or supervisor of one centre: refuses (403 other_centre) a task neither of its centre's incidents nor
 * of its vehicles' help. Other logins pass (a crew's and a hospital's reach is checked by the command); an unknown task
 * too (the command answers 404).
 */
export async function authorizeTaskCentre(db: Queryable, principal: Principal | null, action: Action, assignmentId: string): Promise<void> {
  if (!principal || centreScope(principal) === null || !isUuid(assignmentId)) return;
  const row = await sql.ofAssignment.one(db, { assignmentId });
  if (row) authorize(principal, action, { centreId: [row.centre_id, ...(row.help_from_centre_id ? [row.help_from_centre_id] : [])] });
}

export async function listCentres(db: Queryable): Promise<CentreDto[]> {
  return sql.list.rows(db);
}

/** The vehicle's centre (its home station's), undefined for no such vehicle. */
export async function centreOfVehicle(db: Queryable, vehicleId: string): Promise<string | undefined> {
  return (await sql.ofVehicle.one(db, { vehicleId }))?.centre_id;
}

/**
 * The consoles that hear of an incident's tasks, notices and messages: its centre's staff, those of the centres whose
 * vehicles help on it, and the province room.
 */
export async function staffRoomsOfIncident(db: Queryable, incidentId: string): Promise<string[]> {
  const row = await sql.ofIncident.one(db, { incidentId });
  return rooms.centreStaff(row?.centre_id, ...(row?.helping ?? []));
}

/** The centres a vehicle is of, as a policy resource's `centreId`: its own and, while it helps there, its task's incident's. */
export async function centresOfVehicle(db: Queryable, vehicleId: string): Promise<string[]> {
  const row = await sql.ofVehicle.one(db, { vehicleId });
  return row ? [row.centre_id, ...(row.task_centre_id ? [row.task_centre_id] : [])] : [];
}

/**
 * The consoles that hear of a vehicle: its centre's staff, those of the centre its live task's incident is of (another
 * centre's while it helps there), the `also` centres' (a task that just ended) and the province room.
 */
export async function staffRoomsOfVehicle(db: Queryable, vehicleId: string, ...also: (string | null | undefined)[]): Promise<string[]> {
  const row = await sql.ofVehicle.one(db, { vehicleId });
  return rooms.centreStaff(row?.centre_id, row?.task_centre_id, ...also);
}

/** The consoles that hear of these hospitals' business (a transfer between them): their centres' staff and the province room. */
export async function staffRoomsOfHospitals(db: Queryable, hospitalIds: string[]): Promise<string[]> {
  return rooms.centreStaff(...(await sql.ofHospitals.rows(db, { hospitalIds })).map((r) => r.centre_id));
}

/** How many of the other centres' free vehicles a recommendation lists: the nearest few are enough to ask for help. */
export const CROSS_CENTRE_LIMIT = 3;

/**
 * The other centres' candidates as help, nearest first, at most CROSS_CENTRE_LIMIT, each with its centre's names.
 * @param others candidates of centres other than the incident's (ranked like the own ones)
 * @param centreOf the centre of each of their vehicles
 */
export async function crossCentreHelp(
  db: Queryable,
  others: CandidateDto[],
  centreOf: (vehicleId: string) => string,
): Promise<CrossCentreCandidateDto[]> {
  if (others.length === 0) return [];
  const nearest = [...others].sort((a, b) => a.etaSeconds - b.etaSeconds).slice(0, CROSS_CENTRE_LIMIT);
  const centres = await heldCentres(db, nearest.map((c) => centreOf(c.vehicleId)));
  return nearest.flatMap((c) => {
    const centre = centres.get(centreOf(c.vehicleId));
    return centre ? [{ ...c, centreId: centre.id, centreName: centre.name, centreNameEn: centre.nameEn }] : [];
  });
}

/**
 * How long a process keeps the centres' names for the help lists before reading them again. Centres change only by a
 * migration or the demo seed (no route writes them): a new centre is read at its first sight (a miss), and a renamed
 * one shows its new name within this. A note on fleet_changed would be exact, but every writer would have to send it
 * and each process's fleet state to pass it on, for names nobody edits live.
 */
export const CENTRES_HELD_MS = 60_000;
const centresHeld = new WeakMap<Queryable, { at: number; byId: Promise<Map<string, CentreDto>> }>();

/** The centres by id as this process holds them, read again past CENTRES_HELD_MS or when one of `needed` is not held. */
async function heldCentres(db: Queryable, needed: string[]): Promise<Map<string, CentreDto>> {
  const held = centresHeld.get(db);
  if (held && Date.now() - held.at < CENTRES_HELD_MS) {
    const byId = await held.byId.catch(() => null);
    if (byId && needed.every((id) => byId.has(id))) return byId;
    // Another read began meanwhile: that one is newer.
    if (centresHeld.get(db) !== held) return heldCentres(db, needed);
  }
  const reading = { at: Date.now(), byId: listCentres(db).then((list) => new Map(list.map((c) => [c.id, c]))) };
  centresHeld.set(db, reading);
  reading.byId.catch(() => centresHeld.get(db) === reading && centresHeld.delete(db));
  return reading.byId;
}

/**
 * The rooms that hear of each vehicle's positions, from the fleet state in memory (fleet/fleetState.ts: a few batches a
 * second, no read each): its centre's staff (its home station's centre), those of the centre its live task's incident is
 * of (another centre's while the vehicle helps there, as long as the task is open) and the province room.
 */
export class VehicleCentres {
  constructor(private readonly fleet: Pick<FleetState, 'held' | 'current' | 'reconcile'>) {}

  /**
   * The items grouped by the rooms that hear of them, one group per set of rooms (the province room gets each item
   * once). The fleet as held now; when it does not know one of the vehicles, synced (one added a moment ago) and if
   * need be read whole again (one added by a direct database edit, which sends no note). A vehicle still unknown then
   * (deleted meanwhile) is left out.
   */
  async byRooms<T extends { vehicleId: string }>(items: T[]): Promise<RoomGroup<T>[]> {
    return (
      groupByRooms(await this.fleet.held(), items, false) ??
      groupByRooms(await this.fleet.current(), items, false) ??
      (await this.fleet.reconcile().then(async () => groupByRooms(await this.fleet.held(), items, true)!))
    );
  }
}

/** Items heard in the same rooms. */
export interface RoomGroup<T> {
  rooms: string[];
  items: T[];
}

/**
 * One pass: the items by their vehicle's centre and the centre its live task helps (null for its own). Null when a
 * vehicle is not in `fleet`, unless `leaveOut` (then it is left out).
 */
function groupByRooms<T extends { vehicleId: string }>(fleet: FleetTables, items: T[], leaveOut: boolean): RoomGroup<T>[] | null {
  const groups: RoomGroup<T>[] = [];
  const byCentre = new Map<string, Map<string | null, RoomGroup<T>>>();
  for (const item of items) {
    const vehicle = fleet.vehicles.get(item.vehicleId);
    const centre = vehicle && fleet.stations.get(vehicle.home_station_id)?.centre_id;
    if (centre === undefined) {
      if (leaveOut) continue;
      return null;
    }
    const helped = vehicle!.task_centre_id === centre ? null : vehicle!.task_centre_id;
    let ofCentre = byCentre.get(centre);
    if (!ofCentre) byCentre.set(centre, (ofCentre = new Map()));
    let group = ofCentre.get(helped);
    if (!group) {
      group = { rooms: rooms.centreStaff(centre, helped), items: [] };
      ofCentre.set(helped, group);
      groups.push(group);
    }
    group.items.push(item);
  }
  return groups;
}

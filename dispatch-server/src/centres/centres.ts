import { CentreDto, rooms, type CandidateDto, type CrossCentreCandidateDto, type Principal } from '@dispatch/protocol';
import { type Db, isUuid, type Queryable, sqlFile } from '@dispatch/db';
import { type Action, authorize, centreScope } from '../policies/policies';
import { z } from 'zod';

/**
 * Several dispatch centres (counties) in one database (issue 15): which centre a vehicle belongs to, the centres'
 * names, and the other centres' free vehicles a recommendation lists as help. Who may see which centre is the
 * policy's (policies/policies.ts centreScope); which rooms hear of it, the protocol's (rooms.centreStaff).
 */
const sql = sqlFile(new URL('./centres.sql', import.meta.url), {
  list: { row: CentreDto },
  ofVehicle: { params: z.object({ vehicleId: z.string() }), row: z.object({ centre_id: z.string(), call_sign: z.string() }) },
  ofIncident: { params: z.object({ incidentId: z.string() }), row: z.object({ centre_id: z.string(), helping: z.array(z.string()) }) },
  ofHospitals: { params: z.object({ hospitalIds: z.array(z.string()) }), row: z.object({ centre_id: z.string() }) },
  vehicleCentres: { row: z.object({ id: z.string(), centre_id: z.string() }) },
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

/** The consoles that hear of a vehicle: its centre's staff and the province room. */
export async function staffRoomsOfVehicle(db: Queryable, vehicleId: string): Promise<string[]> {
  return rooms.centreStaff(await centreOfVehicle(db, vehicleId));
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
  const centres = new Map((await listCentres(db)).map((c) => [c.id, c]));
  return [...others]
    .sort((a, b) => a.etaSeconds - b.etaSeconds)
    .slice(0, CROSS_CENTRE_LIMIT)
    .map((c) => {
      const centre = centres.get(centreOf(c.vehicleId))!;
      return { ...c, centreId: centre.id, centreName: centre.name, centreNameEn: centre.nameEn };
    });
}

/**
 * Each vehicle's centre, in memory, for the position fan-out (a few batches a second, no read each): read at the first
 * use, again every `refreshMs` and whenever a vehicle it does not know reports.
 */
export class VehicleCentres {
  private centres = new Map<string, string>();
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 30_000,
  ) {}

  /** The positions grouped by their vehicles' centres; a vehicle of no known centre (deleted meanwhile) is left out. */
  async byCentre<T extends { vehicleId: string }>(items: T[]): Promise<Map<string, T[]>> {
    if (Date.now() - this.readAt > this.refreshMs || items.some((p) => !this.centres.has(p.vehicleId))) await this.read();
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const centre = this.centres.get(item.vehicleId);
      if (!centre) continue;
      const group = groups.get(centre);
      if (group) group.push(item);
      else groups.set(centre, [item]);
    }
    return groups;
  }

  private read(): Promise<void> {
    this.reading ??= sql.vehicleCentres
      .rows(this.db)
      .then((rows) => {
        this.centres = new Map(rows.map((r) => [r.id, r.centre_id]));
        this.readAt = Date.now();
      })
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }
}

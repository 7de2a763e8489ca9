import { CrewMemberInput, ShiftInput, type CrewMemberDto, type ShiftDto } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError, translatePgError } from '../http/errors';
import { inTransaction, sqlFile, type Db } from '@dispatch/db';

const MemberRow = z.object({
  id: z.string(),
  name: z.string(),
  crew_role: CrewMemberInput.shape.crewRole,
  phone: z.string().nullable(),
  station_id: z.string().nullable(),
});
type MemberRow = z.infer<typeof MemberRow>;

const ShiftRow = z.object({ id: z.string(), vehicle_id: z.string(), starts_at: z.date(), ends_at: z.date(), member_ids: z.array(z.string()) });
type ShiftRow = z.infer<typeof ShiftRow>;

const nullableText = z.string().nullable();
const sql = sqlFile(new URL('./crews.sql', import.meta.url), {
  listMembers: { row: MemberRow },
  insertMember: {
    params: z.object({ name: z.string(), crewRole: CrewMemberInput.shape.crewRole, phone: nullableText, stationId: nullableText }),
    row: MemberRow,
  },
  listShifts: { params: z.object({ at: nullableText }), row: ShiftRow },
  unknownMembers: { params: z.object({ memberIds: z.array(z.string()) }), row: z.object({ id: z.string() }) },
  insertShift: {
    params: z.object({ vehicleId: z.string(), startsAt: z.string(), endsAt: z.string(), memberIds: z.array(z.string()) }),
    row: ShiftRow,
  },
});

const presentMember = (r: MemberRow): CrewMemberDto => ({ id: r.id, name: r.name, crewRole: r.crew_role, phone: r.phone, stationId: r.station_id });

const presentShift = (r: ShiftRow): ShiftDto => ({
  id: r.id,
  vehicleId: r.vehicle_id,
  startsAt: r.starts_at.toISOString(),
  endsAt: r.ends_at.toISOString(),
  memberIds: r.member_ids,
});

export async function listCrewMembers(db: Db): Promise<CrewMemberDto[]> {
  return (await sql.listMembers.rows(db)).map(presentMember);
}

export async function createCrewMember(db: Db, actor: Actor, input: z.input<typeof CrewMemberInput>): Promise<CrewMemberDto> {
  const m = CrewMemberInput.parse(input);
  return inTransaction(db, async (client) => {
    const row = await sql.insertMember
      .one(client, { name: m.name, crewRole: m.crewRole, phone: m.phone ?? null, stationId: m.stationId ?? null })
      .catch((e) => translatePgError(e, { crew_members_station_id_fkey: 'stationId: no such station' }));
    await appendAudit(client, actor, 'crew.created', { type: 'crew_member', id: row!.id }, { name: m.name });
    return presentMember(row!);
  });
}

/** Shifts overlapping the given instant, or all upcoming ones when no instant is given. */
export async function listShifts(db: Db, at?: string): Promise<ShiftDto[]> {
  return (await sql.listShifts.rows(db, { at: at ?? null })).map(presentShift);
}

/** Staffs a vehicle for a period; an overlapping shift of the same vehicle is refused (409) by the database. */
export async function createShift(db: Db, actor: Actor, input: z.input<typeof ShiftInput>): Promise<ShiftDto> {
  const s = ShiftInput.parse(input);
  return inTransaction(db, async (client) => {
    const unknown = await sql.unknownMembers.one(client, { memberIds: s.memberIds });
    if (unknown) throw new HttpError(400, `memberIds: unknown crew member ${unknown.id}`);
    const row = await sql.insertShift.one(client, s).catch((e) =>
      translatePgError(e, {
        shifts_vehicle_id_fkey: 'vehicleId: no such vehicle',
        shifts_vehicle_id_tstzrange_excl: 'the vehicle already has a shift overlapping this period',
      }),
    );
    await appendAudit(client, actor, 'shift.created', { type: 'shift', id: row!.id }, { vehicleId: s.vehicleId });
    return presentShift(row!);
  });
}

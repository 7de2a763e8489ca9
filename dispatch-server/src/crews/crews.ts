import { CrewMemberDto, CrewMemberInput, ShiftDto, ShiftInput } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError, translatePgError } from '../http/errors';
import { dtoRow, inTransaction, sqlFile, type Queryable } from '@dispatch/db';

const member = dtoRow(CrewMemberDto);
const shift = dtoRow(ShiftDto);
const sql = sqlFile(new URL('./crews.sql', import.meta.url), {
  listMembers: { row: member },
  insertMember: { params: CrewMemberInput, row: member },
  listShifts: { params: z.object({ at: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable(), vehicleId: z.string().nullable() }), row: shift },
  unknownMembers: { params: z.object({ memberIds: z.array(z.string()) }), row: z.object({ id: z.string() }) },
  insertShift: { params: ShiftInput, row: shift },
});

export async function listCrewMembers(db: Queryable): Promise<CrewMemberDto[]> {
  return sql.listMembers.rows(db);
}

export async function createCrewMember(db: Queryable, actor: Actor, input: z.input<typeof CrewMemberInput>): Promise<CrewMemberDto> {
  const m = CrewMemberInput.parse(input);
  return inTransaction(db, async (client) => {
    const conflicts = { crew_members_station_id_fkey: 'stationId: no such station' };
    const created = (await sql.insertMember.one(client, m).catch((e) => translatePgError(e, conflicts)))!;
    await appendAudit(client, actor, 'crew.created', { type: 'crew_member', id: created.id }, { name: m.name });
    return created;
  });
}

/** Shifts overlapping the given instant or period (of one vehicle when given), or all upcoming ones without either. */
export async function listShifts(db: Queryable, query: { at?: string; from?: string; to?: string; vehicleId?: string } = {}): Promise<ShiftDto[]> {
  return sql.listShifts.rows(db, { at: query.at ?? null, from: query.from ?? null, to: query.to ?? null, vehicleId: query.vehicleId ?? null });
}

/** Staffs a vehicle for a period; an overlapping shift of the same vehicle is refused (409) by the database. */
export async function createShift(db: Queryable, actor: Actor, input: z.input<typeof ShiftInput>): Promise<ShiftDto> {
  const s = ShiftInput.parse(input);
  return inTransaction(db, async (client) => {
    const unknown = await sql.unknownMembers.one(client, { memberIds: s.memberIds });
    if (unknown) throw new HttpError(400, `memberIds: unknown crew member ${unknown.id}`);
    const created = await sql.insertShift.one(client, s).catch((e) =>
      translatePgError(e, {
        shifts_vehicle_id_fkey: 'vehicleId: no such vehicle',
        shifts_vehicle_id_tstzrange_excl: 'startsAt: the vehicle already has a shift overlapping this period',
      }),
    );
    await appendAudit(client, actor, 'shift.created', { type: 'shift', id: created!.id }, { vehicleId: s.vehicleId });
    return created!;
  });
}

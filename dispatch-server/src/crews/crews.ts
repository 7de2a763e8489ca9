import { CrewMemberInput, ShiftInput, type CrewMemberDto, type ShiftDto } from '@dispatch/protocol';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError, translatePgError } from '../http/errors';
import { inTransaction, type Db } from '@dispatch/db';

const presentMember = (r: Record<string, unknown>): CrewMemberDto => ({
  id: r.id as string,
  name: r.name as string,
  crewRole: r.crew_role as CrewMemberDto['crewRole'],
  phone: (r.phone as string | null) ?? null,
  stationId: (r.station_id as string | null) ?? null,
});

const presentShift = (r: Record<string, unknown>): ShiftDto => ({
  id: r.id as string,
  vehicleId: r.vehicle_id as string,
  startsAt: (r.starts_at as Date).toISOString(),
  endsAt: (r.ends_at as Date).toISOString(),
  memberIds: r.member_ids as string[],
});

export async function listCrewMembers(db: Db): Promise<CrewMemberDto[]> {
  return (await db.query('SELECT id, name, crew_role, phone, station_id FROM crew_members ORDER BY name')).rows.map(presentMember);
}

export async function createCrewMember(db: Db, actor: Actor, input: z.input<typeof CrewMemberInput>): Promise<CrewMemberDto> {
  const m = CrewMemberInput.parse(input);
  return inTransaction(db, async (client) => {
    const { rows } = await client
      .query(
        'INSERT INTO crew_members (name, crew_role, phone, station_id) VALUES ($1, $2, $3, $4) RETURNING id, name, crew_role, phone, station_id',
        [m.name, m.crewRole, m.phone ?? null, m.stationId ?? null],
      )
      .catch((e) => translatePgError(e, { crew_members_station_id_fkey: 'stationId: no such station' }));
    await appendAudit(client, actor, 'crew.created', { type: 'crew_member', id: rows[0].id }, { name: m.name });
    return presentMember(rows[0]);
  });
}

/** Shifts overlapping the given instant, or all upcoming ones when no instant is given. */
export async function listShifts(db: Db, at?: string): Promise<ShiftDto[]> {
  const { rows } = await db.query(
    `SELECT id, vehicle_id, starts_at, ends_at, member_ids FROM shifts
      WHERE ($1::timestamptz IS NULL AND ends_at > now()) OR ($1::timestamptz IS NOT NULL AND $1 >= starts_at AND $1 < ends_at)
      ORDER BY starts_at`,
    [at ?? null],
  );
  return rows.map(presentShift);
}

/** Staffs a vehicle for a period; an overlapping shift of the same vehicle is refused (409) by the database. */
export async function createShift(db: Db, actor: Actor, input: z.input<typeof ShiftInput>): Promise<ShiftDto> {
  const s = ShiftInput.parse(input);
  return inTransaction(db, async (client) => {
    const unknown = await client.query('SELECT unnest($1::uuid[]) AS id EXCEPT SELECT id FROM crew_members', [s.memberIds]);
    if (unknown.rowCount) throw new HttpError(400, `memberIds: unknown crew member ${unknown.rows[0].id}`);
    const { rows } = await client
      .query(
        'INSERT INTO shifts (vehicle_id, starts_at, ends_at, member_ids) VALUES ($1, $2, $3, $4) RETURNING id, vehicle_id, starts_at, ends_at, member_ids',
        [s.vehicleId, s.startsAt, s.endsAt, s.memberIds],
      )
      .catch((e) =>
        translatePgError(e, {
          shifts_vehicle_id_fkey: 'vehicleId: no such vehicle',
          shifts_vehicle_id_tstzrange_excl: 'the vehicle already has a shift overlapping this period',
        }),
      );
    await appendAudit(client, actor, 'shift.created', { type: 'shift', id: rows[0].id }, { vehicleId: s.vehicleId });
    return presentShift(rows[0]);
  });
}

import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid, sqlFile } from '@dispatch/db';
import { noteFleetChange } from '../fleet/fleetChanges';
import { HttpError, notFound } from '../http/errors';

const byId = { params: z.object({ id: z.string() }) };
const sql = sqlFile(new URL('./deleteResource.sql', import.meta.url), {
  stations: byId,
  vehicles: byId,
  hospitals: byId,
  crew_members: byId,
  shifts: byId,
  crewMemberOnShift: byId,
});

/** The tables an admin may delete rows of, with what to say when history still refers to the row. */
const DELETABLE = {
  stations: { entity: 'station', inUse: 'vehicles are based at this station; move them first' },
  vehicles: { entity: 'vehicle', inUse: 'the vehicle has task history or a login; take it out of service instead' },
  hospitals: { entity: 'hospital', inUse: 'the hospital has notices, incidents or logins; it stays for the record' },
  crew_members: { entity: 'crew_member', inUse: 'the crew member is on a shift' },
  shifts: { entity: 'shift', inUse: 'the shift is referenced' },
} as const;

/**
 * Deletes one row of a resource table. The database's foreign keys decide whether anything still refers to it
 * (history is never deleted with it): then the answer is 409 with what to do instead.
 * @param table one of DELETABLE's keys
 */
export async function deleteResource(db: Db, actor: Actor, table: keyof typeof DELETABLE, id: string): Promise<void> {
  const { entity, inUse } = DELETABLE[table];
  if (!isUuid(id)) throw notFound(`${entity} ${id}`);
  await inTransaction(db, async (client) => {
    if (table === 'crew_members' && (await sql.crewMemberOnShift.run(client, { id }))) throw new HttpError(409, inUse);
    const deleted = await sql[table].run(client, { id }).catch((error: unknown) => {
      if ((error as { code?: string }).code === '23503') throw new HttpError(409, inUse);
      throw error;
    });
    if (!deleted) throw notFound(`${entity} ${id}`);
    if (table === 'stations' || table === 'vehicles' || table === 'hospitals') await noteFleetChange(client, { [table]: [id] });
    await appendAudit(client, actor, `${entity}.deleted`, { type: entity, id });
  });
}

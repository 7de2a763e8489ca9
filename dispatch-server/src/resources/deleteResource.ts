import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid } from '@dispatch/db';
import { HttpError, notFound } from '../http/errors';

/** The tables an admin may delete rows of, with what to say when history still refers to the row. */
const DELETABLE = {
  stations: { entity: 'station', inUse: 'vehicles are based at this station; move them first' },
  vehicles: { entity: 'vehicle', inUse: 'the vehicle has task history or a login; take it out of service instead' },
  hospitals: { entity: 'hospital', inUse: 'the hospital has notices, incidents or logins; it stays for the record' },
  // Shifts list their members in an array, which no foreign key covers: checked by hand below.
  crew_members: { entity: 'crew_member', inUse: 'the crew member is on a shift' },
  shifts: { entity: 'shift', inUse: 'the shift is referenced' },
} as const;

/**
 * Deletes one row of a resource table. The database's foreign keys decide whether anything still refers to it
 * (history is never deleted with it): then the answer is 409 with what to do instead.
 * @param table one of DELETABLE's keys (a whitelist: the name goes into the SQL)
 */
export async function deleteResource(db: Db, actor: Actor, table: keyof typeof DELETABLE, id: string): Promise<void> {
  const { entity, inUse } = DELETABLE[table];
  if (!isUuid(id)) throw notFound(`${entity} ${id}`);
  await inTransaction(db, async (client) => {
    try {
      if (table === 'crew_members' && (await client.query('SELECT 1 FROM shifts WHERE $1 = ANY(member_ids) LIMIT 1', [id])).rowCount) {
        throw new HttpError(409, inUse);
      }
      await client.query('SAVEPOINT del');
      const { rowCount } = await client.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
      if (!rowCount) throw notFound(`${entity} ${id}`);
    } catch (error) {
      if ((error as { code?: string }).code === '23503') {
        await client.query('ROLLBACK TO SAVEPOINT del');
        throw new HttpError(409, inUse);
      }
      throw error;
    }
    await appendAudit(client, actor, `${entity}.deleted`, { type: entity, id });
  });
}

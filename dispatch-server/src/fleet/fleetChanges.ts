import { type Queryable, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const sql = sqlFile(new URL('./fleet.sql', import.meta.url), { notify: { params: z.object({ payloads: z.array(z.string()) }) } });

/** The PostgreSQL channel every process's fleet state listens on. */
export const FLEET_CHANNEL = 'fleet_changed';

/** What a command changed: the rows of each kind to read again. */
export interface FleetChange {
  /** Vehicle rows or their live task (assignment, status step, state). */
  vehicles?: readonly string[];
  /** Latest positions, by vehicle id. */
  positions?: readonly string[];
  stations?: readonly string[];
  hospitals?: readonly string[];
}
export type FleetKind = keyof FleetChange;

/** One letter per kind in a note: `v:<id>,<id>`. */
export const KIND_CODES = { vehicles: 'v', positions: 'p', stations: 's', hospitals: 'h' } as const satisfies Record<FleetKind, string>;
/** A sync token, echoed to the process that sent it: every note committed before it has arrived. */
export const SYNC_CODE = 'sync';
/** PostgreSQL refuses payloads of 8,000 bytes or more: ids (36 characters and a comma) go in pieces below that. */
const IDS_PER_NOTE = 200;

/**
 * Tells every server process's fleet state (this one's too) which rows to read again. Called with the command's
 * own transaction client, the note is delivered when that transaction commits, after every note committed before
 * it, and never when it rolls back; so no process holds a change the database does not.
 */
export async function noteFleetChange(db: Queryable, change: FleetChange): Promise<void> {
  const payloads: string[] = [];
  for (const kind of Object.keys(KIND_CODES) as FleetKind[]) {
    const ids = change[kind];
    if (!ids?.length) continue;
    for (let i = 0; i < ids.length; i += IDS_PER_NOTE) payloads.push(`${KIND_CODES[kind]}:${ids.slice(i, i + IDS_PER_NOTE).join(',')}`);
  }
  if (payloads.length) await sql.notify.run(db, { payloads });
}

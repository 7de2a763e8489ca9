import { z } from 'zod';

/**
 * Several dispatch centres (counties) share one database (issue 15). Each station, hospital and incident belongs to
 * a centre (a vehicle to its home station's); a dispatcher or supervisor works in one, a login without a centre
 * (a province supervisor) sees them all.
 */

/** The centre that exists from the start (migration 025): every row made without a centre is its. */
export const DEFAULT_CENTRE_ID = 'c0000000-0000-4000-8000-000000000001';

export const CentreDto = z.object({ id: z.uuid(), code: z.string(), name: z.string(), nameEn: z.string().nullable() });
export type CentreDto = z.infer<typeof CentreDto>;

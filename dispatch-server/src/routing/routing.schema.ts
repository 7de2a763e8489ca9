import { z } from 'zod';

/** "LON,LAT" in decimal degrees (WGS-84), as in `?from=111.913,37.027`. */
export const LonLatParam = z
  .string({ error: 'required: LON,LAT in decimal degrees, e.g. 111.913,37.027' })
  .trim()
  .regex(/^[-+]?\d+(\.\d+)?\s*,\s*[-+]?\d+(\.\d+)?$/, 'expected LON,LAT in decimal degrees, e.g. 111.913,37.027')
  .transform((value) => value.split(',').map(Number) as [number, number])
  .refine(([lon]) => lon >= -180 && lon <= 180, 'longitude must be between -180 and 180')
  .refine(([, lat]) => lat >= -90 && lat <= 90, 'latitude must be between -90 and 90');

export const RouteQuery = z.object({
  from: LonLatParam,
  to: LonLatParam,
  /** Road region; default: the configured one, else the most recently imported. */
  region: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/, 'a region name is 1 to 64 characters of a-z, 0-9, _ and -')
    .optional(),
});
export type RouteQuery = z.infer<typeof RouteQuery>;

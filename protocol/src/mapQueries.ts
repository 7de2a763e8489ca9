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

const coordinate = /^[-+]?\d+(\.\d+)?$/;

/** `minLon,minLat,maxLon,maxLat` in WGS-84 degrees, as Leaflet's `getBounds().toBBoxString()` writes it. */
export const BboxParam = z
  .string({ error: 'required: minLon,minLat,maxLon,maxLat in decimal degrees' })
  .trim()
  .refine((v) => v.split(',').length === 4 && v.split(',').every((p) => coordinate.test(p.trim())), {
    message: 'expected minLon,minLat,maxLon,maxLat in decimal degrees, e.g. 111.8,36.9,112.0,37.1',
  })
  .transform((v) => v.split(',').map(Number) as [number, number, number, number])
  .refine(([minLon, minLat, maxLon, maxLat]) => [minLon, maxLon].every((x) => x >= -180 && x <= 180) && [minLat, maxLat].every((y) => y >= -90 && y <= 90), {
    message: 'longitudes must be within -180..180 and latitudes within -90..90',
  })
  .refine(([minLon, minLat, maxLon, maxLat]) => minLon < maxLon && minLat < maxLat, {
    message: 'min must be below max (minLon < maxLon, minLat < maxLat)',
  });

export const RoadsQuery = z.object({
  bbox: BboxParam,
  /** The map's zoom level: fewer road classes and coarser lines when zoomed out. */
  zoom: z.coerce
    .number({ error: 'required: the map zoom level, an integer 0..22' })
    .int('the map zoom level must be an integer 0..22')
    .min(0)
    .max(22),
});
export type RoadsQuery = z.infer<typeof RoadsQuery>;

export const CoverageQuery = z.object({
  /** Whose drive times: the ambulance stations (response) or the receiving hospitals (care). */
  from: z.enum(['stations', 'hospitals']).default('stations'),
  minutes: z
    .string()
    .regex(/^\d{1,4}(,\d{1,4}){0,5}$/, 'comma-separated whole minutes, e.g. 10,20,30')
    .default('10,20,30')
    .transform((s) => s.split(',').map(Number))
    .refine((list) => list.every((m) => m > 0 && m <= 240), 'each between 1 and 240'),
  region: z.string().regex(/^[a-z0-9_-]{1,64}$/).optional(),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

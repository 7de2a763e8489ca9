import { z } from 'zod';

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

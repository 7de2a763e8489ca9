import { StationKind, type StationDto } from '@dispatch/protocol';
import { z } from 'zod';

/** A station as stations.sql reads it. */
export const StationRow = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  name_en: z.string().nullable(),
  kind: StationKind,
  address: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
});
export type StationRow = z.infer<typeof StationRow>;

export function presentStation(row: StationRow): StationDto {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    kind: row.kind,
    address: row.address,
    location: { lon: row.lon, lat: row.lat },
  };
}

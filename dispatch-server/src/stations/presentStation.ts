import type { StationDto } from '@dispatch/protocol';

export function presentStation(row: Record<string, unknown>): StationDto {
  return {
    id: row.id as string,
    code: row.code as string,
    name: row.name as string,
    nameEn: (row.name_en as string | null) ?? null,
    kind: row.kind as StationDto['kind'],
    address: (row.address as string | null) ?? null,
    location: { lon: row.lon as number, lat: row.lat as number },
  };
}

import type { HospitalDto } from '@dispatch/protocol';

export function presentHospital(row: Record<string, unknown>): HospitalDto {
  return {
    id: row.id as string,
    code: row.code as string,
    name: row.name as string,
    nameEn: (row.name_en as string | null) ?? null,
    kind: row.kind as HospitalDto['kind'],
    capabilities: row.capabilities as HospitalDto['capabilities'],
    address: (row.address as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    location: { lon: row.lon as number, lat: row.lat as number },
    loadStatus: row.load_status as HospitalDto['loadStatus'],
    loadStatusSetAt: (row.load_status_set_at as Date).toISOString(),
    loadStatusSetBy: (row.set_by as string | null) ?? null,
  };
}

import { HospitalCapability, HospitalKind, HospitalLoad, type HospitalDto } from '@dispatch/protocol';
import { z } from 'zod';

/** A hospital with who last set its load, as hospitals.sql lists it. */
export const HospitalRow = z.object({
  id: z.string(), code: z.string(), name: z.string(), name_en: z.string().nullable(), kind: HospitalKind,
  capabilities: z.array(HospitalCapability), address: z.string().nullable(), phone: z.string().nullable(),
  lon: z.number(), lat: z.number(), load_status: HospitalLoad, load_status_set_at: z.date(), set_by: z.string().nullable(),
});
export type HospitalRow = z.infer<typeof HospitalRow>;

export function presentHospital(row: HospitalRow): HospitalDto {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    kind: row.kind,
    capabilities: row.capabilities,
    address: row.address,
    phone: row.phone,
    location: { lon: row.lon, lat: row.lat },
    loadStatus: row.load_status,
    loadStatusSetAt: row.load_status_set_at.toISOString(),
    loadStatusSetBy: row.set_by,
  };
}

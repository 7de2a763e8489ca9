import { sqlFile } from '@dispatch/db';
import { z } from 'zod';

const Id = z.object({ id: z.string() });
const text = z.string();
const site = { code: text, name: text, nameEn: text, kind: text, lon: z.number(), lat: z.number(), centreId: text };

/** The stations, hospitals and vehicles of a demo centre (seedDemo.sql), for the demo county and its neighbour alike. */
export const siteSql = sqlFile(new URL('./seedDemo.sql', import.meta.url), {
  upsertStation: { params: z.object(site), row: Id },
  upsertHospital: { params: z.object({ ...site, capabilities: z.array(text) }), row: Id },
  upsertVehicle: { params: z.object({ callSign: text, kind: text, capabilities: z.array(text), stationId: text }), row: Id },
  parkAtStation: { params: z.object({ vehicleId: text, stationId: text }) },
});

import type { DemoCounty } from '@dispatch/geo/demo/demoCounty';
import { type DbClient, sqlFile } from '@dispatch/db';
import type { Role } from '@dispatch/protocol';
import { z } from 'zod';
import { noteFleetChange } from '../fleet/fleetChanges';
import { siteSql } from './demoSites';

const text = z.string();
const Id = z.object({ id: z.string() });
const sql = sqlFile(new URL('./demoNeighbour.sql', import.meta.url), {
  nameDefaultCentre: {},
  upsertCentre: { params: z.object({ code: text, name: text, nameEn: text }), row: Id },
  setLoginCentre: { params: z.object({ username: text, centreId: text.nullable() }) },
  upsertPhoneLine: { params: z.object({ lineId: text, centreId: text }) },
});

/** The neighbouring county's logins: its dispatcher, the province supervisor (every centre), its crews and hospital. */
export const NEIGHBOUR_USERNAMES = ['dispatcher-py', 'province', 'crew-py-01', 'crew-py-02', 'crew-py-03', 'crew-py-04', 'hospital-py-zxyy'];

/**
 * The line Pingyao's 120 calls come in on (`npm run phone -- --line PY-120-1`); the demo county's own lines (120-1...)
 * are configured to no centre and ring the default one, the demo county's.
 */
export const NEIGHBOUR_PHONE_LINE = 'PY-120-1';

type UpsertLogin = (client: DbClient, username: string, displayName: string, role: Role, vehicleId: string | null, hospitalId: string | null) => Promise<unknown>;

/**
 * A second dispatch centre for the demo (issue 15): the neighbouring county of Pingyao (平遥), whose two stations,
 * four ambulances and one hospital stand in the villages at the demo network's north-east edge, the border side.
 * Its dispatcher sees only its own; the Jiexiu dispatcher sees its vehicles as cross-centre help for calls near the
 * border; the province supervisor sees both. Idempotent as the rest of the demo.
 * @param upsertLogin seedDemo's (the passwords of NEIGHBOUR_USERNAMES are generated with the others)
 */
export async function seedNeighbourCentre(client: DbClient, county: DemoCounty, upsertLogin: UpsertLogin) {
  await sql.nameDefaultCentre.run(client);
  const centreId = (await sql.upsertCentre.one(client, { code: 'PY', name: '平遥县120急救指挥中心', nameEn: 'Pingyao 120 Dispatch Centre' }))!.id;
  // The villages farthest north-east, by their share of the county's width and height.
  const byNorthEast = county.places
    .filter((p) => p.kind === 'village')
    .sort((a, b) => b.lon / 0.435 + b.lat / 0.351 - (a.lon / 0.435 + a.lat / 0.351));
  const [first, second, third] = byNorthEast;
  const stations = [
    { code: 'PY-XRB', name: `平遥${first!.name}急救站`, nameEn: `Pingyao ${first!.nameEn ?? first!.name} Station`, kind: 'centre', lon: first!.lon, lat: first!.lat, centreId },
    { code: 'PY-XJB', name: `平遥${third!.name}急救站`, nameEn: `Pingyao ${third!.nameEn ?? third!.name} Station`, kind: 'substation', lon: third!.lon, lat: third!.lat, centreId },
  ];
  const stationIds: string[] = [];
  for (const s of stations) stationIds.push((await siteSql.upsertStation.one(client, s))!.id);
  const hospital = {
    code: 'PY-ZXYY', name: '平遥县中心医院东院', nameEn: 'Pingyao Central Hospital East', kind: 'general',
    capabilities: ['emergency', 'pci', 'stroke_centre', 'trauma', 'fever_clinic'], lon: second!.lon, lat: second!.lat, centreId,
  };
  const hospitalId = (await siteSql.upsertHospital.one(client, hospital))!.id;
  await upsertLogin(client, 'hospital-py-zxyy', `${hospital.name} 急诊`, 'hospital', null, hospitalId);

  const crews: { username: string; callSign: string }[] = [];
  const vehicleIds: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const callSign = `平遥120-${String(n).padStart(2, '0')}`;
    const stationId = stationIds[(n - 1) % 2]!;
    const vehicleId = (await siteSql.upsertVehicle.one(client, {
      callSign, kind: 'negative_pressure_ambulance', capabilities: ['negative_pressure', n % 2 ? 'als' : 'bls'], stationId,
    }))!.id;
    vehicleIds.push(vehicleId);
    await siteSql.parkAtStation.run(client, { vehicleId, stationId });
    const username = `crew-py-${String(n).padStart(2, '0')}`;
    await upsertLogin(client, username, `${callSign} 车组`, 'crew', vehicleId, null);
    crews.push({ username, callSign });
  }
  await upsertLogin(client, 'dispatcher-py', '平遥调度员', 'dispatcher', null, null);
  await sql.setLoginCentre.run(client, { username: 'dispatcher-py', centreId });
  await upsertLogin(client, 'province', '省级值班主任', 'supervisor', null, null);
  await sql.setLoginCentre.run(client, { username: 'province', centreId: null });
  await sql.upsertPhoneLine.run(client, { lineId: NEIGHBOUR_PHONE_LINE, centreId });
  await noteFleetChange(client, { stations: stationIds, hospitals: [hospitalId], vehicles: vehicleIds, positions: vehicleIds });
  return { centreId, dispatcher: 'dispatcher-py', province: 'province', crews, hospitals: [{ username: 'hospital-py-zxyy', name: hospital.name }] };
}

import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { hasGazetteer } from '@dispatch/geo/gazetteer/buildGazetteer';
import { activeNetworkId } from '@dispatch/geo/import/importRoads';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { noteFleetChange } from '../fleet/fleetChanges';
import { inTransaction, sqlFile, type Db, type DbClient } from '@dispatch/db';
import { z } from 'zod';
import { DEFAULT_CENTRE_ID } from '@dispatch/protocol';
import { demoFleet } from './demoFleet';
import { siteSql } from './demoSites';
import { NEIGHBOUR_USERNAMES, seedNeighbourCentre } from './demoNeighbour';
import { demoPasswords, type DemoPasswords } from './demoPasswords';
import { seedDemoRegister } from '../register/demoRegister';

const text = z.string();
const sql = sqlFile(new URL('./seedDemo.sql', import.meta.url), {
  upsertLogin: {
    params: z.object({
      username: text, displayName: text, passwordHash: text, role: text, vehicleId: text.nullable(), hospitalId: text.nullable(), legacy: z.boolean(),
    }),
  },
  loginsWithOwnPassword: { params: z.object({ usernames: z.array(text) }), row: z.object({ username: text, password_hash: text }) },
});

/** The one password every demo login shared before each got its own; a login still using it gets its own at the next seed. */
const LEGACY_SHARED_PASSWORD = 'demo-120-jiexiu';

export interface DemoLogins {
  dispatcher: string;
  supervisor: string;
  admin: string;
  /** The phone system's login (npm run phone plays calls with it). */
  telephony: string;
  crews: { username: string; callSign: string }[];
  hospitals: { username: string; name: string }[];
  /** Each demo login's own generated password, by login name. */
  passwords: DemoPasswords;
  /** With `neighbour`: the second centre's dispatcher and the province supervisor (issue 15). */
  neighbour?: { centreId: string; dispatcher: string; province: string };
}

/**
 * Seeds the synthetic demo county: its road network (imported once), gazetteer, stations, hospitals and
 * village clinics, the 24-vehicle fleet parked at its stations, and logins for every role, each with a
 * generated password of its own (kept in `passwordFile` when given, so every start prints the same ones).
 * Idempotent: a second start keeps what is there (and any changes made to it, a password changed by its
 * owner included) and adds what is missing.
 */
/** @param options.neighbour also a neighbouring county's centre and a province supervisor (demoNeighbour.ts) */
export async function seedDemo(db: Db, options: { passwordFile?: string; neighbour?: boolean } = {}): Promise<DemoLogins> {
  // The import builds the county's gazetteer (towns, villages, streets, hospitals, stations); a network imported
  // before there was a gazetteer is imported again to get one.
  const imported = (await activeNetworkId(db, DEMO_REGION)) !== null;
  if (!imported || !(await hasGazetteer(db, DEMO_REGION))) await importDemoCounty(db, { replace: imported });
  const county = generateDemoCounty();
  const centre = county.stations.find((s) => s.kind === 'centre')!.code;
  const [zhanglan, yitang] = county.stations.filter((s) => s.kind === 'substation').map((s) => s.code);
  const fleet = demoFleet({ centre, zhanglan: zhanglan!, yitang: yitang! });
  const hospitalUsername = (code: string) => `hospital-${code.toLowerCase()}`;
  const crewUsername = (i: number) => `crew-${String(i + 1).padStart(2, '0')}`;
  const usernames = [
    'dispatcher',
    'supervisor',
    'admin',
    'telephony',
    ...county.hospitals.filter((h) => h.kind !== 'village_clinic').map((h) => hospitalUsername(h.code)),
    ...fleet.map((_, i) => crewUsername(i)),
    ...(options.neighbour ? NEIGHBOUR_USERNAMES : []),
  ];
  const passwords = demoPasswords(usernames, options.passwordFile ?? null);
  const hashes = new Map(await Promise.all(usernames.map(async (u) => [u, await hashPassword(passwords[u]!)] as const)));
  const legacy = await loginsWithLegacyPassword(db, usernames);
  const upsertLogin = (client: DbClient, username: string, displayName: string, role: string, vehicleId: string | null, hospitalId: string | null) =>
    sql.upsertLogin.run(client, { username, displayName, passwordHash: hashes.get(username)!, role, vehicleId, hospitalId, legacy: legacy.has(username) });
  return inTransaction(db, async (client) => {
    const stationIds = new Map<string, string>();
    for (const s of county.stations) {
      stationIds.set(s.code, (await siteSql.upsertStation.one(client, { ...s, centreId: DEFAULT_CENTRE_ID }))!.id);
    }
    const hospitals = [
      ...county.hospitals,
      ...county.places
        .filter((p) => p.kind === 'village')
        .map((p, i) => ({
          code: `VC${String(i + 1).padStart(3, '0')}`,
          name: `${p.name}卫生室`,
          nameEn: `${p.nameEn ?? p.name} village clinic`,
          kind: 'village_clinic' as const,
          capabilities: [] as string[],
          lon: p.lon,
          lat: p.lat,
        })),
    ];
    const hospitalLogins: DemoLogins['hospitals'] = [];
    const seededHospitals: string[] = [];
    const seededVehicles: string[] = [];
    for (const h of hospitals) {
      const { id } = (await siteSql.upsertHospital.one(client, { ...h, centreId: DEFAULT_CENTRE_ID }))!;
      seededHospitals.push(id);
      if (h.kind !== 'village_clinic') {
        const username = hospitalUsername(h.code);
        await upsertLogin(client, username, `${h.name} 急诊`, 'hospital', null, id);
        hospitalLogins.push({ username, name: h.name });
      }
    }

    const crews: DemoLogins['crews'] = [];
    for (const [i, v] of fleet.entries()) {
      const stationId = stationIds.get(v.stationCode)!;
      const vehicleId = (await siteSql.upsertVehicle.one(client, { ...v, stationId }))!.id;
      seededVehicles.push(vehicleId);
      await siteSql.parkAtStation.run(client, { vehicleId, stationId });
      const username = crewUsername(i);
      await upsertLogin(client, username, `${v.callSign} 车组`, 'crew', vehicleId, null);
      crews.push({ username, callSign: v.callSign });
    }
    // Servers already running (a test's, npm start's) read the seeded fleet into their fleet state on commit.
    await noteFleetChange(client, {
      stations: [...stationIds.values()], hospitals: seededHospitals, vehicles: seededVehicles, positions: seededVehicles,
    });
    await seedDemoRegister(client, county.places.filter((p) => p.kind === 'village'));
    for (const [username, role, name] of [
      ['dispatcher', 'dispatcher', '调度员'],
      ['supervisor', 'supervisor', '值班主任'],
      ['admin', 'admin', '系统管理员'],
      ['telephony', 'telephony', '电话系统'],
    ] as const) {
      await upsertLogin(client, username, name, role, null, null);
    }
    const neighbour = options.neighbour ? await seedNeighbourCentre(client, county, upsertLogin) : null;
    return {
      dispatcher: 'dispatcher', supervisor: 'supervisor', admin: 'admin', telephony: 'telephony', passwords,
      crews: [...crews, ...(neighbour?.crews ?? [])],
      hospitals: [...hospitalLogins, ...(neighbour?.hospitals ?? [])],
      ...(neighbour ? { neighbour: { centreId: neighbour.centreId, dispatcher: neighbour.dispatcher, province: neighbour.province } } : {}),
    };
  });
}

/** Demo logins seeded before each had its own password, still with the shared one that was printed to everyone. */
async function loginsWithLegacyPassword(db: Db, usernames: string[]): Promise<Set<string>> {
  const rows = await sql.loginsWithOwnPassword.rows(db, { usernames });
  const legacy = await Promise.all(rows.map(async (r) => ((await verifyPassword(r.password_hash, LEGACY_SHARED_PASSWORD)) ? r.username : null)));
  return new Set(legacy.filter((u) => u !== null));
}

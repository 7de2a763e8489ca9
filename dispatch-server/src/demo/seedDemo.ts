import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { activeNetworkId } from '@dispatch/geo/import/importRoads';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { inTransaction, type Db, type DbClient } from '@dispatch/db';
import { upsertPlace } from '../places/places';
import { demoFleet } from './demoFleet';
import { demoPasswords, type DemoPasswords } from './demoPasswords';

/** The one password every demo login shared before each got its own; a login still using it gets its own at the next seed. */
const LEGACY_SHARED_PASSWORD = 'demo-120-jiexiu';

export interface DemoLogins {
  dispatcher: string;
  supervisor: string;
  admin: string;
  crews: { username: string; callSign: string }[];
  hospitals: { username: string; name: string }[];
  /** Each demo login's own generated password, by login name. */
  passwords: DemoPasswords;
}

/**
 * Seeds the synthetic demo county: its road network (imported once), gazetteer, stations, hospitals and
 * village clinics, the 24-vehicle fleet parked at its stations, and logins for every role, each with a
 * generated password of its own (kept in `passwordFile` when given, so every start prints the same ones).
 * Idempotent: a second start keeps what is there (and any changes made to it, a password changed by its
 * owner included) and adds what is missing.
 */
export async function seedDemo(db: Db, options: { passwordFile?: string } = {}): Promise<DemoLogins> {
  if ((await activeNetworkId(db, DEMO_REGION)) === null) await importDemoCounty(db, { replace: false });
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
    ...county.hospitals.filter((h) => h.kind !== 'village_clinic').map((h) => hospitalUsername(h.code)),
    ...fleet.map((_, i) => crewUsername(i)),
  ];
  const passwords = demoPasswords(usernames, options.passwordFile ?? null);
  const hashes = new Map(await Promise.all(usernames.map(async (u) => [u, await hashPassword(passwords[u]!)] as const)));
  const legacy = await loginsWithLegacyPassword(db, usernames);
  // A demo login whose password is still a demo one takes the current one; a password its owner set is kept.
  const upsertLogin = (client: DbClient, username: string, displayName: string, role: string, vehicleId: string | null, hospitalId: string | null) =>
    client.query(
      `INSERT INTO users (username, display_name, password_hash, role, vehicle_id, hospital_id, demo_password) VALUES ($1, $2, $3, $4, $5, $6, true)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, demo_password = true WHERE users.demo_password OR $7`,
      [username, displayName, hashes.get(username), role, vehicleId, hospitalId, legacy.has(username)],
    );
  return inTransaction(db, async (client) => {
    for (const place of county.places) await upsertPlace(client, { ...place, synthetic: true });

    const stationIds = new Map<string, string>();
    for (const s of county.stations) {
      const { rows } = await client.query(
        `INSERT INTO stations (code, name, name_en, kind, location) VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326))
         ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
        [s.code, s.name, s.nameEn, s.kind, s.lon, s.lat],
      );
      stationIds.set(s.code, rows[0].id);
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
    for (const h of hospitals) {
      const { rows } = await client.query(
        `INSERT INTO hospitals (code, name, name_en, kind, capabilities, location)
         VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))
         ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
        [h.code, h.name, h.nameEn, h.kind, h.capabilities, h.lon, h.lat],
      );
      if (h.kind !== 'village_clinic') {
        const username = hospitalUsername(h.code);
        await upsertLogin(client, username, `${h.name} 急诊`, 'hospital', null, rows[0].id);
        hospitalLogins.push({ username, name: h.name });
      }
    }

    const crews: DemoLogins['crews'] = [];
    for (const [i, v] of fleet.entries()) {
      const stationId = stationIds.get(v.stationCode)!;
      const { rows } = await client.query(
        `INSERT INTO vehicles (call_sign, kind, capabilities, home_station_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (call_sign) DO UPDATE SET call_sign = EXCLUDED.call_sign RETURNING id`,
        [v.callSign, v.kind, v.capabilities, stationId],
      );
      const vehicleId = rows[0].id as string;
      // Parked at the home station until the simulator or a real GPS reports.
      await client.query(
        `INSERT INTO vehicle_positions_latest (vehicle_id, location, device_time, source)
         SELECT $1, location, now(), 'station' FROM stations WHERE id = $2
         ON CONFLICT (vehicle_id) DO NOTHING`,
        [vehicleId, stationId],
      );
      const username = crewUsername(i);
      await upsertLogin(client, username, `${v.callSign} 车组`, 'crew', vehicleId, null);
      crews.push({ username, callSign: v.callSign });
    }
    for (const [username, role, name] of [
      ['dispatcher', 'dispatcher', '调度员'],
      ['supervisor', 'supervisor', '值班主任'],
      ['admin', 'admin', '系统管理员'],
    ] as const) {
      await upsertLogin(client, username, name, role, null, null);
    }
    return { dispatcher: 'dispatcher', supervisor: 'supervisor', admin: 'admin', crews, hospitals: hospitalLogins, passwords };
  });
}

/** Demo logins seeded before each had its own password, still with the shared one that was printed to everyone. */
async function loginsWithLegacyPassword(db: Db, usernames: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ username: string; password_hash: string }>(
    'SELECT username, password_hash FROM users WHERE username = ANY($1) AND NOT demo_password',
    [usernames],
  );
  const legacy = await Promise.all(rows.map(async (r) => ((await verifyPassword(r.password_hash, LEGACY_SHARED_PASSWORD)) ? r.username : null)));
  return new Set(legacy.filter((u) => u !== null));
}

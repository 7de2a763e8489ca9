import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { activeNetworkId } from '@dispatch/geo/import/importRoads';
import { hashPassword } from '../auth/passwords';
import { inTransaction, type Db } from '../db/pool';
import { upsertPlace } from '../places/places';
import { demoFleet } from './demoFleet';

/** Every demo login shares this password; `npm start` prints it. Never used outside the demo. */
export const DEMO_PASSWORD = 'demo-120-jiexiu';

export interface DemoLogins {
  dispatcher: string;
  supervisor: string;
  admin: string;
  crews: { username: string; callSign: string }[];
  hospitals: { username: string; name: string }[];
}

/**
 * Seeds the synthetic demo county: its road network (imported once), gazetteer, stations, hospitals and
 * village clinics, the 24-vehicle fleet parked at its stations, and logins for every role. Idempotent: a
 * second start keeps what is there (and any changes made to it) and adds what is missing.
 */
export async function seedDemo(db: Db): Promise<DemoLogins> {
  if ((await activeNetworkId(db, DEMO_REGION)) === null) await importDemoCounty(db, { replace: false });
  const county = generateDemoCounty();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
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
        const username = `hospital-${h.code.toLowerCase()}`;
        await client.query(
          `INSERT INTO users (username, display_name, password_hash, role, hospital_id) VALUES ($1, $2, $3, 'hospital', $4)
           ON CONFLICT (username) DO NOTHING`,
          [username, `${h.name} 急诊`, passwordHash, rows[0].id],
        );
        hospitalLogins.push({ username, name: h.name });
      }
    }

    const centre = county.stations.find((s) => s.kind === 'centre')!.code;
    const [zhanglan, yitang] = county.stations.filter((s) => s.kind === 'substation').map((s) => s.code);
    const crews: DemoLogins['crews'] = [];
    for (const [i, v] of demoFleet({ centre, zhanglan: zhanglan!, yitang: yitang! }).entries()) {
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
      const username = `crew-${String(i + 1).padStart(2, '0')}`;
      await client.query(
        `INSERT INTO users (username, display_name, password_hash, role, vehicle_id) VALUES ($1, $2, $3, 'crew', $4)
         ON CONFLICT (username) DO NOTHING`,
        [username, `${v.callSign} 车组`, passwordHash, vehicleId],
      );
      crews.push({ username, callSign: v.callSign });
    }
    for (const [username, role, name] of [
      ['dispatcher', 'dispatcher', '调度员'],
      ['supervisor', 'supervisor', '值班主任'],
      ['admin', 'admin', '系统管理员'],
    ] as const) {
      await client.query(
        `INSERT INTO users (username, display_name, password_hash, role) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING`,
        [username, name, passwordHash, role],
      );
    }
    return { dispatcher: 'dispatcher', supervisor: 'supervisor', admin: 'admin', crews, hospitals: hospitalLogins };
  });
}

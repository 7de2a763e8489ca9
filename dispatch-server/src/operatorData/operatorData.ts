import { recostRegion } from '@dispatch/geo/import/importRoads';
import { type Db, inTransaction, type Queryable, sqlFile } from '@dispatch/db';
import {
  CATEGORY_REQUIREMENTS,
  CategoryRequirementDto,
  type IncidentCategory,
  type RoadClassSpeedsDto,
  RoadClassSpeedsInput,
  rooms,
} from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import type { Publisher } from '../realtime/publisher';

const sql = sqlFile(new URL('./operatorData.sql', import.meta.url), {
  listSpeeds: { row: z.object({ highway: z.string(), kmh: z.number() }) },
  updateSpeeds: { params: z.object({ highways: z.array(z.string()), kmhs: z.array(z.number()) }), row: z.object({ highway: z.string() }) },
  regions: { row: z.object({ name: z.string() }) },
  listRequirements: {
    row: z
      .object({ category: z.string(), vehicle_capabilities: z.array(z.string()), hospital_capabilities: z.array(z.string()) })
      .transform((r) => CategoryRequirementDto.parse({ category: r.category, vehicleCapabilities: r.vehicle_capabilities, hospitalCapabilities: r.hospital_capabilities })),
  },
  updateRequirement: { params: z.object({ category: z.string(), vehicleCapabilities: z.array(z.string()), hospitalCapabilities: z.array(z.string()) }) },
});

export async function listRoadClassSpeeds(db: Queryable): Promise<RoadClassSpeedsDto> {
  return { speeds: await sql.listSpeeds.rows(db), recosted: [] };
}

/**
 * Changes the travel speed of some road classes, then re-costs every region's edges from the new table (edges with
 * their own maxspeed keep it) and notifies the servers, whose graph registries reload. Audited with the old and
 * new speeds.
 * @param input the classes to change; an unknown class is a 400 naming it
 */
export async function updateRoadClassSpeeds(db: Db, events: Publisher, actor: Actor, input: z.input<typeof RoadClassSpeedsInput>): Promise<RoadClassSpeedsDto> {
  const { speeds } = RoadClassSpeedsInput.parse(input);
  const seen = new Set<string>();
  speeds.forEach((s, i) => {
    if (seen.has(s.highway)) throw new HttpError(400, `speeds.${i}.highway: ${s.highway} is given twice`);
    seen.add(s.highway);
  });
  await inTransaction(db, async (client) => {
    const before = new Map((await sql.listSpeeds.rows(client)).map((s) => [s.highway, s.kmh]));
    const unknown = speeds.findIndex((s) => !before.has(s.highway));
    if (unknown >= 0) throw new HttpError(400, `speeds.${unknown}.highway: no road class ${speeds[unknown]!.highway}`);
    await sql.updateSpeeds.rows(client, { highways: speeds.map((s) => s.highway), kmhs: speeds.map((s) => s.kmh) });
    await appendAudit(client, actor, 'roadClassSpeeds.updated', { type: 'road_class_speeds', id: 'all' }, {
      changes: speeds.map((s) => ({ highway: s.highway, from: before.get(s.highway), to: s.kmh })),
    });
  });
  // One region at a time, each in its own transaction with its NOTIFY: a region's graph reloads as soon as it is done.
  const recosted = [];
  for (const { name } of await sql.regions.rows(db)) {
    const { edges } = await recostRegion(db, name);
    recosted.push({ region: name, edges });
  }
  events.publish(rooms.dispatchers, 'settings.changed', { what: 'roadClassSpeeds', region: null });
  return { speeds: await sql.listSpeeds.rows(db), recosted };
}

export async function listCategoryRequirements(db: Queryable): Promise<CategoryRequirementDto[]> {
  return sql.listRequirements.rows(db);
}

/** How long a server process that missed the change's note may keep using the table (the others forget at once). */
const CACHE_MS = 10_000;
let cache: { at: number; table: Promise<Map<string, CategoryRequirementDto>> } | null = null;

/**
 * What a call of the category needs by default, as the intake applies it: read from category_requirements,
 * kept for CACHE_MS; the protocol's shipped defaults for a category the table lacks.
 */
export async function categoryRequirement(db: Queryable, category: IncidentCategory): Promise<(typeof CATEGORY_REQUIREMENTS)[IncidentCategory]> {
  if (!cache || Date.now() - cache.at > CACHE_MS) {
    const table = listCategoryRequirements(db).then((rows) => new Map(rows.map((r) => [r.category, r])));
    cache = { at: Date.now(), table };
    table.catch(() => {
      if (cache?.table === table) cache = null;
    });
  }
  const row = (await cache.table).get(category);
  return row ? { vehicle: row.vehicleCapabilities, hospital: row.hospitalCapabilities } : CATEGORY_REQUIREMENTS[category];
}

/** Drops this process's copy of the table: the next call reads it again. */
export function forgetCategoryRequirements(): void {
  cache = null;
}

/**
 * Changes one category's required capabilities (calls taken from now on; a call already taken keeps its own).
 * Audited with the old and new lists.
 */
export async function updateCategoryRequirement(
  db: Db,
  events: Publisher,
  tellPeers: () => void,
  actor: Actor,
  input: z.input<typeof CategoryRequirementDto>,
): Promise<CategoryRequirementDto[]> {
  const r = CategoryRequirementDto.parse(input);
  await inTransaction(db, async (client) => {
    const before = (await sql.listRequirements.rows(client)).find((x) => x.category === r.category) ?? null;
    await sql.updateRequirement.run(client, r);
    await appendAudit(client, actor, 'categoryRequirement.updated', { type: 'category_requirement', id: r.category }, {
      from: before && { vehicle: before.vehicleCapabilities, hospital: before.hospitalCapabilities },
      to: { vehicle: r.vehicleCapabilities, hospital: r.hospitalCapabilities },
    });
  });
  forgetCategoryRequirements();
  tellPeers();
  events.publish(rooms.dispatchers, 'settings.changed', { what: 'categoryRequirements', region: null });
  return listCategoryRequirements(db);
}

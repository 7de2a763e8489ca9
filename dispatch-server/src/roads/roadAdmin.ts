import { type Db, inTransaction, type Queryable, sqlFile } from '@dispatch/db';
import { RoadImportReportDto, type RoadNetworkDto, type RoadNetworksDto, rooms } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import type { Publisher } from '../realtime/publisher';

const n = z.number();
const NetworkFields = z.object({
  id: n, region: z.string(), source_name: z.string(), source_format: z.enum(['osm_pbf', 'osm_xml', 'geojson']), synthetic: z.boolean(),
  status: z.enum(['importing', 'ready', 'failed', 'retired']), ways: n.nullable(), edges: n.nullable(), vertices: n.nullable(),
  length_km: n.nullable(), largest_component_share: n.nullable(), created_at: z.date(), ready_at: z.date().nullable(), report: z.unknown(),
});
const presentNetwork = (r: z.infer<typeof NetworkFields>): RoadNetworkDto => ({
  id: r.id,
  region: r.region,
  sourceName: r.source_name,
  format: r.source_format,
  synthetic: r.synthetic,
  status: r.status,
  ways: r.ways,
  edges: r.edges,
  vertices: r.vertices,
  lengthKm: r.length_km === null ? null : Math.round(r.length_km * 1000) / 1000,
  largestComponentShare: r.largest_component_share,
  createdAt: r.created_at.toISOString(),
  readyAt: r.ready_at?.toISOString() ?? null,
  // Networks imported before reports were kept have none.
  report: RoadImportReportDto.safeParse(r.report).data ?? null,
});
const Region = z.object({ region: z.string() });
const sql = sqlFile(new URL('./roadAdmin.sql', import.meta.url), {
  regions: {
    row: NetworkFields.extend({ name: z.string(), live: z.boolean(), updated_at: z.date() }).transform((r) => ({
      name: r.name, live: r.live, updatedAt: r.updated_at.toISOString(), network: presentNetwork(r),
    })),
  },
  history: { row: NetworkFields.transform(presentNetwork) },
  pinServed: {},
  lockRegions: { row: z.object({ name: z.string(), live: z.boolean() }) },
  clearLive: {},
  setLive: { params: Region },
  notifyChanged: { params: Region },
});

/**
 * The regions (the served one marked), the import history and the configured region.
 * @param configuredRegion ROAD_REGION, which is served whatever is live
 */
export async function listRoadNetworks(db: Queryable, configuredRegion: string | undefined): Promise<RoadNetworksDto> {
  const [regions, history] = await Promise.all([sql.regions.rows(db), sql.history.rows(db)]);
  // Ordered as the server picks: live first, then the latest.
  const served = configuredRegion ?? regions[0]?.name ?? null;
  return {
    regions: regions.map((r) => ({ name: r.name, network: r.network, pinned: r.live, served: r.name === served, updatedAt: r.updatedAt })),
    history,
    configuredRegion: configuredRegion ?? null,
  };
}

/** Pins the region served now as live, when none is: an import then never changes what is served by itself. */
export async function pinServedRegion(db: Queryable): Promise<void> {
  await sql.pinServed.run(db);
}

/**
 * Makes a region the live one: routing, coverage and the map's roads use it from the commit on (every server's
 * graph registry reloads on the notification), and open consoles read the region and its roads again. Audited.
 */
export async function setLiveRoadRegion(db: Db, events: Publisher, actor: Actor, region: string, configuredRegion: string | undefined): Promise<RoadNetworksDto> {
  await inTransaction(db, async (client) => {
    const regions = await sql.lockRegions.rows(client);
    const before = regions.find((r) => r.live)?.name ?? null;
    if (!regions.some((r) => r.name === region)) throw new HttpError(404, `region: no road region ${region}`);
    await sql.clearLive.run(client);
    await sql.setLive.run(client, { region });
    await sql.notifyChanged.run(client, { region });
    await appendAudit(client, actor, 'roadRegion.madeLive', { type: 'road_region', id: region }, { before });
  });
  events.publish(rooms.dispatchers, 'settings.changed', { what: 'liveRegion', region });
  return listRoadNetworks(db, configuredRegion);
}

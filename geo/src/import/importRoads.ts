import type { RoadSkipDto } from '@dispatch/protocol';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Db, type DbClient, inTransaction, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { buildGazetteer, dropReplacedGazetteer } from '../gazetteer/buildGazetteer';
import { type OsmPlace, readPlaces } from '../gazetteer/readPlaces';
import { readGeoJson } from './readGeoJson';
import { readOsm } from './readOsm';
import { RoadImportError, type RoadSource } from './roadSource';
import { buildTopology, type Topology } from './topology';

export { RoadImportError } from './roadSource';

export type RoadFormat = 'osm_pbf' | 'osm_xml' | 'geojson';

export interface ImportOptions {
  /** Path of an OSM PBF, OSM XML or GeoJSON file. */
  file: string;
  /** Region name (`^[a-z0-9_-]{1,64}$`); derived from the file name when absent. */
  region?: string;
  /** Detected from the extension, then from the content, when absent. */
  format?: RoadFormat;
  /** Replace the region's current network; without it an existing region is an error. */
  replace?: boolean;
  /** Generated data (the demo county), flagged so the UI can say so. */
  synthetic?: boolean;
  /** Told as the import moves on (the console's progress bar); `done` of `total` within a stage that has steps. */
  onProgress?: (progress: ImportProgress) => void;
  /** The file's name as the operator knows it (an upload is stored under a name of the server's own). */
  sourceName?: string;
}

export const IMPORT_STAGES = ['reading', 'topology', 'edges', 'vertices', 'components', 'swap'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];
export interface ImportProgress {
  stage: ImportStage;
  done: number;
  total: number;
}

export interface ImportReport {
  region: string;
  networkId: number;
  format: RoadFormat;
  /** Source ways that gave at least one edge. */
  ways: number;
  edges: number;
  vertices: number;
  lengthKm: number;
  /** Share of the road length in the largest connected component (pgRouting), 0..1. */
  largestComponentShare: number;
  /** Edges drivable in one direction only. */
  onewayEdges: number;
  /** Gazetteer entries built: named streets, and the towns, villages, hospitals, stations and POIs of the file. */
  streets: number;
  places: number;
  /** Ways read from the file, and those of them left out (not a drivable class, not a line, or all nodes missing). */
  waysRead: number;
  skippedWays: number;
  /** What was left out, by reason and kind: GeoJSON points and polygons, footways, roads closed to vehicles. */
  skipped: RoadSkipDto[];
  durationMs: number;
  /** Milliseconds per stage, in the order they ran. */
  stageMs: Partial<Record<ImportStage, number>>;
}

const byRegion = z.object({ region: z.string() });
const byNetwork = z.object({ networkId: z.number() });
const numbers = z.array(z.number());
const optionalNumbers = z.array(z.number().nullable());
const texts = z.array(z.string());
const booleans = z.array(z.boolean());
const NetworkRow = z.object({ network_id: z.number() });
const sql = sqlFile(new URL('./network.sql', import.meta.url), {
  drivableClasses: { row: z.object({ highway: z.string() }) },
  regionInfo: { params: byRegion, row: z.object({ source_name: z.string(), created_at: z.date() }) },
  lockRegion: { params: byRegion, row: z.object({ locked: z.boolean() }) },
  unlockRegion: { params: byRegion },
  deleteAbandoned: { params: byRegion },
  createNetwork: {
    params: z.object({ region: z.string(), sourceName: z.string(), format: z.string(), synthetic: z.boolean() }),
    row: z.object({ id: z.number() }),
  },
  insertEdges: {
    params: byNetwork.extend({
      sources: numbers, targets: numbers, highways: texts, names: z.array(z.string().nullable()), maxspeeds: optionalNumbers,
      osmWayIds: optionalNumbers, tunnels: booleans, bridges: booleans, forwards: booleans, backwards: booleans, wkts: texts,
    }),
  },
  insertVertices: { params: byNetwork.extend({ ids: numbers, lons: numbers, lats: numbers }) },
  analyse: {},
  assignComponents: { params: byNetwork },
  summarise: {
    params: byNetwork.extend({ ways: z.number() }),
    row: z.object({ edges: z.number(), vertices: z.number(), length_km: z.number(), largest_component_share: z.number(), oneway_edges: z.number() }),
  },
  lockRegionRow: { params: byRegion, row: NetworkRow },
  pointRegion: { params: byRegion.extend({ networkId: z.number() }) },
  markReady: { params: byNetwork },
  retireNetwork: { params: byNetwork },
  deleteEdges: { params: byNetwork },
  deleteVertices: { params: byNetwork },
  notifyChanged: { params: byRegion },
  deleteNetwork: { params: byNetwork },
  activeNetwork: { params: byRegion, row: NetworkRow },
  recost: { params: byNetwork },
  saveReport: { params: byNetwork.extend({ report: z.string() }) },
});

const REGION_PATTERN = /^[a-z0-9_-]{1,64}$/;
// Large enough to keep round trips few, small enough that one statement's arrays stay a few MB.
const BATCH = 2000;

export function checkRegionName(region: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new RoadImportError(`region name "${region}" is invalid: use 1 to 64 characters of a-z, 0-9, _ and -`);
  }
  return region;
}

/** "Shanghai Center.osm.pbf" → "shanghai-center". */
export function regionFromFileName(file: string): string {
  const stem = basename(file)
    .toLowerCase()
    .replace(/(\.(osm|pbf|xml|geojson|json|geojsonl))+$/, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  if (!stem) throw new RoadImportError(`cannot derive a region name from "${basename(file)}": pass --region NAME`);
  return stem;
}

/** The format from the extension, else from the first bytes (PBF's header block, XML's "<", JSON's "{"). */
export async function detectFormat(file: string): Promise<RoadFormat> {
  const name = file.toLowerCase();
  if (name.endsWith('.pbf')) return 'osm_pbf';
  if (name.endsWith('.osm') || name.endsWith('.xml')) return 'osm_xml';
  if (name.endsWith('.geojson') || name.endsWith('.json')) return 'geojson';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const head = buffer.subarray(0, bytesRead);
    const text = head.toString('latin1').trimStart();
    if (text.startsWith('<')) return 'osm_xml';
    if (text.startsWith('{')) return 'geojson';
    if (head.includes('OSMHeader')) return 'osm_pbf';
  } finally {
    await handle.close();
  }
  throw new RoadImportError(`cannot tell the format of ${file}: name it .osm.pbf, .osm or .geojson, or pass the format`);
}

async function checkFile(file: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new RoadImportError(`${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof RoadImportError) throw error;
    throw new RoadImportError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size === 0) throw new RoadImportError(`${file} is empty`);
}

function clashError(region: string, info: { source_name: string; created_at: Date }): RoadImportError {
  return new RoadImportError(
    `region ${region} already exists (imported ${info.created_at.toISOString()} from ${info.source_name}); pass --replace (replace: true) to replace it`,
  );
}

function wktOf(coordinates: number[]): string {
  const points: string[] = [];
  for (let i = 0; i < coordinates.length; i += 2) points.push(`${coordinates[i]} ${coordinates[i + 1]}`);
  return `LINESTRING(${points.join(',')})`;
}

async function writeEdges(client: DbClient, networkId: number, topology: Topology, progress: (done: number) => void): Promise<void> {
  for (let start = 0; start < topology.edges.length; start += BATCH) {
    progress(start);
    const batch = topology.edges.slice(start, start + BATCH);
    const inserted = await sql.insertEdges.run(client, {
      networkId,
      sources: batch.map((e) => e.source),
      targets: batch.map((e) => e.target),
      highways: batch.map((e) => e.attributes.highway),
      names: batch.map((e) => e.attributes.name),
      maxspeeds: batch.map((e) => e.attributes.maxspeedKmh),
      osmWayIds: batch.map((e) => e.osmWayId),
      tunnels: batch.map((e) => e.attributes.tunnel),
      bridges: batch.map((e) => e.attributes.bridge),
      forwards: batch.map((e) => e.attributes.forward),
      backwards: batch.map((e) => e.attributes.backward),
      wkts: batch.map((e) => wktOf(e.coordinates)),
    });
    // The join to road_class_speeds drops an edge whose class was deleted since the filter read the table.
    if (inserted !== batch.length) {
      throw new RoadImportError('road_class_speeds changed during the import; run it again');
    }
  }
}

async function writeVertices(client: DbClient, networkId: number, source: RoadSource, ids: number[], progress: (done: number) => void): Promise<void> {
  for (let start = 0; start < ids.length; start += BATCH) {
    progress(start);
    const batch = ids.slice(start, start + BATCH);
    const lon: number[] = [];
    const lat: number[] = [];
    for (const id of batch) {
      const [x, y] = source.nodes.get(id)!;
      lon.push(x);
      lat.push(y);
    }
    await sql.insertVertices.run(client, { networkId, ids: batch, lons: lon, lats: lat });
  }
}

async function readSource(file: string, format: RoadFormat, classes: string[]): Promise<RoadSource> {
  return format === 'geojson' ? readGeoJson(file) : readOsm(file, format, classes);
}

/**
 * Imports a road file as the network of a region. The new network is built beside the region's current one
 * and the region's pointer moves to it in one transaction (with a `road_network_changed` notification), so
 * routing never sees half a network; on any failure the new network is deleted and the region keeps the
 * network it had.
 */
export async function importRoads(db: Db, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const region = checkRegionName(options.region ?? regionFromFileName(options.file));
  await checkFile(options.file);
  const format = options.format ?? (await detectFormat(options.file));
  const stageMs: Partial<Record<ImportStage, number>> = {};
  const current: { stage: ImportStage | null; started: number } = { stage: null, started: 0 };
  /** Enters a stage (timing the one before) and tells the caller how far it is. */
  const step = (next: ImportStage | null, done = 0, total = 0) => {
    const now = performance.now();
    if (current.stage !== next) {
      if (current.stage) stageMs[current.stage] = Math.round(now - current.started);
      current.stage = next;
      current.started = now;
    }
    if (next) options.onProgress?.({ stage: next, done, total });
  };

  const client = await db.connect();
  let locked = false;
  let networkId: number | null = null;
  try {
    locked = (await sql.lockRegion.one(client, { region }))?.locked === true;
    if (!locked) throw new RoadImportError(`region ${region} is being imported by another process; try again when it is done`);
    const existing = await sql.regionInfo.one(client, { region });
    if (existing && !options.replace) throw clashError(region, existing);
    await sql.deleteAbandoned.run(client, { region });

    const classes = (await sql.drivableClasses.rows(client)).map((r) => r.highway);
    step('reading');
    // Two osmium runs over the file: the roads, and the named places of the gazetteer (a GeoJSON road layer has none).
    // A file neither can read is refused with the roads' reason (it names the file and its format), whichever run
    // fails first.
    const [roadsRead, placesRead] = await Promise.allSettled([
      readSource(options.file, format, classes),
      format === 'geojson' ? ([] as OsmPlace[]) : readPlaces(options.file, format),
    ]);
    if (roadsRead.status === 'rejected') throw roadsRead.reason;
    if (placesRead.status === 'rejected') throw placesRead.reason;
    const [source, places] = [roadsRead.value, placesRead.value];
    step('topology');
    const topology = buildTopology(source, new Set(classes));

    const sourceName = options.sourceName ?? basename(options.file);
    const created = await sql.createNetwork.one(client, { region, sourceName, format, synthetic: options.synthetic ?? false });
    const id = created!.id;
    networkId = id;
    // On the import's own client: it holds the region's session lock across the transaction.
    const summary = await inTransaction(client, async () => {
      await writeEdges(client, id, topology, (done) => step('edges', done, topology.edges.length));
      await writeVertices(client, id, source, topology.vertices, (done) => step('vertices', done, topology.vertices.length));
      step('components');
      await sql.analyse.run(client);
      await sql.assignComponents.run(client, { networkId: id });
      const written = (await sql.summarise.one(client, { networkId: id, ways: topology.ways }))!;
      const gazetteer = await buildGazetteer(client, id, source, places, options.synthetic ?? false);
      step('swap');

      const current = await sql.lockRegionRow.one(client, { region });
      if (current && !options.replace) throw clashError(region, (await sql.regionInfo.one(client, { region }))!);
      await sql.pointRegion.run(client, { region, networkId: id });
      await sql.markReady.run(client, { networkId: id });
      if (current) {
        const old = { networkId: current.network_id };
        await sql.retireNetwork.run(client, old);
        await sql.deleteEdges.run(client, old);
        await sql.deleteVertices.run(client, old);
        await dropReplacedGazetteer(client, current.network_id);
      }
      await sql.notifyChanged.run(client, { region });
      return { ...written, ...gazetteer };
    });
    step(null);

    const report: ImportReport = {
      region,
      networkId: id,
      format,
      ways: topology.ways,
      edges: summary.edges,
      vertices: summary.vertices,
      // Rounded: summation order inside PostgreSQL varies in the last bits, and a metre is precise enough.
      lengthKm: Math.round(summary.length_km * 1000) / 1000,
      largestComponentShare: Math.round(summary.largest_component_share * 1e6) / 1e6,
      onewayEdges: summary.oneway_edges,
      streets: summary.streets,
      places: summary.places,
      waysRead: source.ways.length,
      skippedWays: source.ways.length - topology.ways,
      skipped: source.skipped.list(),
      durationMs: Math.round(performance.now() - started),
      stageMs,
    };
    // After the commit: the record of how it went, not part of the network the swap made live.
    await sql.saveReport.run(client, { networkId: id, report: JSON.stringify(report) });
    return report;
  } catch (error) {
    if (networkId !== null) await sql.deleteNetwork.run(client, { networkId }).catch(() => undefined);
    throw error;
  } finally {
    if (locked) await sql.unlockRegion.run(client, { region }).catch(() => undefined);
    client.release();
  }
}

/** The id of the network a region currently routes on, or null when there is no such region. */
export async function activeNetworkId(db: Db, region: string): Promise<number | null> {
  return (await sql.activeNetwork.one(db, { region }))?.network_id ?? null;
}

/**
 * Re-costs a region's edges from the current road_class_speeds (after an operator edited it) and notifies
 * servers to reload. Edges with their own maxspeed keep it; one-way directions stay closed.
 */
export async function recostRegion(db: Db, region: string): Promise<{ region: string; networkId: number; edges: number }> {
  return inTransaction(db, async (client) => {
    const current = await sql.lockRegionRow.one(client, { region });
    if (!current) throw new RoadImportError(`region ${region} does not exist`);
    const networkId = current.network_id;
    const edges = await sql.recost.run(client, { networkId });
    await sql.notifyChanged.run(client, { region });
    return { region, networkId, edges };
  });
}

import { readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type pg from 'pg';
import { readGeoJson } from './readGeoJson';
import { readOsm } from './readOsm';
import { RoadImportError, type RoadSource } from './roadSource';
import { readQueries } from '@dispatch/db';
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
  durationMs: number;
}

const q = readQueries(new URL('./network.sql', import.meta.url), [
  'drivableClasses',
  'regionInfo',
  'lockRegion',
  'unlockRegion',
  'deleteAbandoned',
  'createNetwork',
  'insertVertices',
  'analyse',
  'assignComponents',
  'summarise',
  'lockRegionRow',
  'pointRegion',
  'markReady',
  'retireNetwork',
  'deleteEdges',
  'deleteVertices',
  'notifyChanged',
  'deleteNetwork',
  'activeNetwork',
  'recost',
]);
const INSERT_EDGES = readFileSync(new URL('./insertEdges.sql', import.meta.url), 'utf8');

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

async function writeEdges(client: pg.PoolClient, networkId: number, topology: Topology): Promise<void> {
  for (let start = 0; start < topology.edges.length; start += BATCH) {
    const batch = topology.edges.slice(start, start + BATCH);
    const result = await client.query(INSERT_EDGES, [
      networkId,
      batch.map((e) => e.source),
      batch.map((e) => e.target),
      batch.map((e) => e.attributes.highway),
      batch.map((e) => e.attributes.name),
      batch.map((e) => e.attributes.maxspeedKmh),
      batch.map((e) => e.osmWayId),
      batch.map((e) => e.attributes.tunnel),
      batch.map((e) => e.attributes.bridge),
      batch.map((e) => e.attributes.forward),
      batch.map((e) => e.attributes.backward),
      batch.map((e) => wktOf(e.coordinates)),
    ]);
    // The join to road_class_speeds drops an edge whose class was deleted since the filter read the table.
    if (result.rowCount !== batch.length) {
      throw new RoadImportError('road_class_speeds changed during the import; run it again');
    }
  }
}

async function writeVertices(client: pg.PoolClient, networkId: number, source: RoadSource, ids: number[]): Promise<void> {
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const lon: number[] = [];
    const lat: number[] = [];
    for (const id of batch) {
      const [x, y] = source.nodes.get(id)!;
      lon.push(x);
      lat.push(y);
    }
    await client.query(q.insertVertices, [networkId, batch, lon, lat]);
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
export async function importRoads(db: pg.Pool, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const region = checkRegionName(options.region ?? regionFromFileName(options.file));
  await checkFile(options.file);
  const format = options.format ?? (await detectFormat(options.file));

  const client = await db.connect();
  let locked = false;
  let networkId: number | null = null;
  try {
    locked = (await client.query<{ locked: boolean }>(q.lockRegion, [region])).rows[0]?.locked === true;
    if (!locked) throw new RoadImportError(`region ${region} is being imported by another process; try again when it is done`);
    const existing = (await client.query(q.regionInfo, [region])).rows[0];
    if (existing && !options.replace) throw clashError(region, existing);
    await client.query(q.deleteAbandoned, [region]);

    const classes = (await client.query<{ highway: string }>(q.drivableClasses)).rows.map((r) => r.highway);
    const source = await readSource(options.file, format, classes);
    const topology = buildTopology(source, new Set(classes));

    networkId = Number(
      (await client.query(q.createNetwork, [region, basename(options.file), format, options.synthetic ?? false])).rows[0].id,
    );
    await client.query('BEGIN');
    await writeEdges(client, networkId, topology);
    await writeVertices(client, networkId, source, topology.vertices);
    await client.query(q.analyse);
    await client.query(q.assignComponents, [networkId]);
    const summary = (await client.query(q.summarise, [networkId, topology.ways])).rows[0];

    const current = (await client.query<{ network_id: number }>(q.lockRegionRow, [region])).rows[0];
    if (current && !options.replace) {
      const info = (await client.query(q.regionInfo, [region])).rows[0];
      throw clashError(region, info);
    }
    await client.query(q.pointRegion, [region, networkId]);
    await client.query(q.markReady, [networkId]);
    if (current) {
      await client.query(q.retireNetwork, [current.network_id]);
      await client.query(q.deleteEdges, [current.network_id]);
      await client.query(q.deleteVertices, [current.network_id]);
    }
    await client.query(q.notifyChanged, [region]);
    await client.query('COMMIT');

    return {
      region,
      networkId,
      format,
      ways: topology.ways,
      edges: Number(summary.edges),
      vertices: Number(summary.vertices),
      // Rounded: summation order inside PostgreSQL varies in the last bits, and a metre is precise enough.
      lengthKm: Math.round(Number(summary.length_km) * 1000) / 1000,
      largestComponentShare: Math.round(Number(summary.largest_component_share) * 1e6) / 1e6,
      onewayEdges: Number(summary.oneway_edges),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (networkId !== null) await client.query(q.deleteNetwork, [networkId]).catch(() => undefined);
    throw error;
  } finally {
    if (locked) await client.query(q.unlockRegion, [region]).catch(() => undefined);
    client.release();
  }
}

/** The id of the network a region currently routes on, or null when there is no such region. */
export async function activeNetworkId(db: pg.Pool, region: string): Promise<number | null> {
  const row = (await db.query<{ network_id: string | number }>(q.activeNetwork, [region])).rows[0];
  return row ? Number(row.network_id) : null;
}

/**
 * Re-costs a region's edges from the current road_class_speeds (after an operator edited it) and notifies
 * servers to reload. Edges with their own maxspeed keep it; one-way directions stay closed.
 */
export async function recostRegion(db: pg.Pool, region: string): Promise<{ region: string; networkId: number; edges: number }> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const current = (await client.query<{ network_id: string | number }>(q.lockRegionRow, [region])).rows[0];
    if (!current) throw new RoadImportError(`region ${region} does not exist`);
    const networkId = Number(current.network_id);
    const result = await client.query(q.recost, [networkId]);
    await client.query(q.notifyChanged, [region]);
    await client.query('COMMIT');
    return { region, networkId, edges: result.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

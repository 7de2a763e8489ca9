import { type Db, inTransaction, sqlFile } from '@dispatch/db';
import { z } from 'zod';
import { loadRoadGraph, type RoadGraph } from '../routing/roadGraph';
import { checkRegionName, RoadImportError } from './importRoads';

/*
 * A province-sized network generated from a real one, for benchmarks at province scale (≥ 1 million edges,
 * 10,000 vehicles) without storing a large file: the base region (RNV, ~57k edges, imported from
 * ../shared/roaddata/rnv.osm.pbf) is copied `columns × rows` times as tiles laid side by side with a gap of a few
 * kilometres, and neighbouring tiles are joined by two-way trunk roads between the outermost vertices of their
 * strongly connected main networks, `connectorsPerSide` per shared side (one per band of the side, so the joins
 * spread along it as roads leaving an extract's edge do). Every tile keeps the base's roads, one-ways, names and
 * speeds; its ids are the base's plus tile × 10^10, its lengths are measured again where it lies.
 *
 * Built inside PostgreSQL through the ordinary tables (road_networks, road_edges, road_vertices, road_regions),
 * so the normal loader (loadRoadGraph) and pgRouting read it like any import. Deterministic: the same base and
 * tiling give the same network, edge ids in the same order.
 *
 * 5 × 4 tiles of RNV (the benchmarks' tiling), as imported today: 20 × 56,927 edges + 372 connectors = 1,138,912
 * edges (1,969,584 directed arcs), 881,860 vertices, 113,423 km of road, about 240 × 140 km; built in 2.5–4 min
 * on 2 shared cores (an RNV imported by an older importer gives 57,098 edges a tile).
 */

export interface ProvinceOptions {
  /** The region copied as tiles; it must exist (imported). */
  baseRegion: string;
  /** The generated region's name; an existing one of that name is replaced. */
  region: string;
  columns: number;
  rows: number;
  /** Connecting roads per shared side of two neighbouring tiles. */
  connectorsPerSide?: number;
  /** Degrees between neighbouring tiles' main networks (~2 km). */
  gapDegrees?: number;
}

export interface ProvinceReport {
  region: string;
  networkId: number;
  baseRegion: string;
  tiles: number;
  columns: number;
  rows: number;
  connectors: number;
  edges: number;
  vertices: number;
  /** Arcs (edge directions that can be driven): what the in-memory graph searches. */
  directedArcs: number;
  lengthKm: number;
  buildMs: number;
}

/** Tile t's ids are the base's plus t × TILE_ID_STRIDE: OSM node and way ids stay far below it. */
const TILE_ID_STRIDE = 1e10;
const CONNECTOR_CLASS = 'trunk';

const byNetwork = z.object({ networkId: z.number() });
const tile = byNetwork.extend({ baseNetworkId: z.number(), idOffset: z.number(), dx: z.number(), dy: z.number() });
const sql = sqlFile(new URL('./provinceNetwork.sql', import.meta.url), {
  baseNetwork: {
    params: z.object({ region: z.string() }),
    row: z.object({ network_id: z.number(), source_name: z.string(), max_source: z.number(), max_target: z.number(), max_way: z.number().nullable() }),
  },
  copyTileEdges: { params: tile },
  copyTileVertices: { params: tile },
  insertConnectors: { params: byNetwork.extend({ sources: z.array(z.number()), targets: z.array(z.number()), wkts: z.array(z.string()), highway: z.string() }) },
});
// The import's own bookkeeping statements, shared rather than copied.
const network = sqlFile(new URL('./network.sql', import.meta.url), {
  lockRegion: { params: z.object({ region: z.string() }), row: z.object({ locked: z.boolean() }) },
  unlockRegion: { params: z.object({ region: z.string() }) },
  deleteAbandoned: { params: z.object({ region: z.string() }) },
  createNetwork: {
    params: z.object({ region: z.string(), sourceName: z.string(), format: z.string(), synthetic: z.boolean() }),
    row: z.object({ id: z.number() }),
  },
  analyse: {},
  assignComponents: { params: byNetwork },
  summarise: {
    params: byNetwork.extend({ ways: z.number() }),
    row: z.object({ edges: z.number(), vertices: z.number(), length_km: z.number(), largest_component_share: z.number(), oneway_edges: z.number() }),
  },
  lockRegionRow: { params: z.object({ region: z.string() }), row: z.object({ network_id: z.number() }) },
  pointRegion: { params: z.object({ region: z.string(), networkId: z.number() }) },
  markReady: { params: byNetwork },
  retireNetwork: { params: byNetwork },
  deleteEdges: { params: byNetwork },
  deleteVertices: { params: byNetwork },
  notifyChanged: { params: z.object({ region: z.string() }) },
  deleteNetwork: { params: byNetwork },
  saveReport: { params: byNetwork.extend({ report: z.string() }) },
});

interface Connector {
  from: number;
  fromTile: number;
  to: number;
  toTile: number;
}

/**
 * The joins of one shared side: the side's cross direction cut into `bands`; in each band the main-network
 * vertex farthest towards the side in the first tile and farthest from it (towards the first) in the second.
 */
function sideConnectors(graph: RoadGraph, axis: 'east' | 'north', bands: number): { from: number; to: number }[] {
  const along = axis === 'east' ? graph.vertexLat : graph.vertexLon; // position along the shared side
  const across = axis === 'east' ? graph.vertexLon : graph.vertexLat;
  let low = Infinity;
  let high = -Infinity;
  for (let v = 0; v < graph.vertexCount; v++) {
    if (!graph.vertexInMain[v]) continue;
    low = Math.min(low, along[v]!);
    high = Math.max(high, along[v]!);
  }
  const outer = new Int32Array(bands).fill(-1);
  const inner = new Int32Array(bands).fill(-1);
  for (let v = 0; v < graph.vertexCount; v++) {
    if (!graph.vertexInMain[v]) continue;
    const band = Math.min(bands - 1, Math.floor(((along[v]! - low) / (high - low)) * bands));
    // Ties go to the lower index: the choice does not depend on anything but the base network.
    if (outer[band]! < 0 || across[v]! > across[outer[band]!]!) outer[band] = v;
    if (inner[band]! < 0 || across[v]! < across[inner[band]!]!) inner[band] = v;
  }
  const joins: { from: number; to: number }[] = [];
  for (let b = 0; b < bands; b++) if (outer[b]! >= 0 && inner[b]! >= 0) joins.push({ from: outer[b]!, to: inner[b]! });
  return joins;
}

/**
 * Generates (or regenerates) the province region from the base region; see the comment at the top of the file.
 * The new network is built beside any old one of the region and the pointer moves in one transaction, as an
 * import does.
 */
export async function buildProvinceNetwork(db: Db, options: ProvinceOptions): Promise<ProvinceReport> {
  const started = performance.now();
  const region = checkRegionName(options.region);
  const { columns, rows } = options;
  if (!(Number.isInteger(columns) && Number.isInteger(rows) && columns >= 1 && rows >= 1 && columns * rows <= 900)) {
    throw new RoadImportError(`a province is 1 to 900 tiles (columns × rows), not ${columns} × ${rows}`);
  }
  const bands = options.connectorsPerSide ?? 12;
  const gap = options.gapDegrees ?? 0.02;
  const base = await sql.baseNetwork.one(db, { region: options.baseRegion });
  if (!base) throw new RoadImportError(`base region ${options.baseRegion} does not exist: import it first`);
  if (Math.max(base.max_source, base.max_target, base.max_way ?? 0) >= TILE_ID_STRIDE) {
    throw new RoadImportError(`base region ${options.baseRegion} has ids of ${TILE_ID_STRIDE} or more: tiles would share ids`);
  }
  const graph = await loadRoadGraph(db, options.baseRegion);
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (let v = 0; v < graph.vertexCount; v++) {
    if (!graph.vertexInMain[v]) continue;
    minLon = Math.min(minLon, graph.vertexLon[v]!);
    maxLon = Math.max(maxLon, graph.vertexLon[v]!);
    minLat = Math.min(minLat, graph.vertexLat[v]!);
    maxLat = Math.max(maxLat, graph.vertexLat[v]!);
  }
  const dx = maxLon - minLon + gap;
  const dy = maxLat - minLat + gap;
  const tileOf = (column: number, row: number) => row * columns + column;
  const connectors: Connector[] = [];
  const east = sideConnectors(graph, 'east', bands);
  const north = sideConnectors(graph, 'north', bands);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      if (column + 1 < columns) for (const j of east) connectors.push({ from: j.from, fromTile: tileOf(column, row), to: j.to, toTile: tileOf(column + 1, row) });
      if (row + 1 < rows) for (const j of north) connectors.push({ from: j.from, fromTile: tileOf(column, row), to: j.to, toTile: tileOf(column, row + 1) });
    }
  }
  const position = (v: number, t: number) => [graph.vertexLon[v]! + (t % columns) * dx, graph.vertexLat[v]! + Math.floor(t / columns) * dy];

  const client = await db.connect();
  let locked = false;
  let networkId: number | null = null;
  try {
    locked = (await network.lockRegion.one(client, { region }))?.locked === true;
    if (!locked) throw new RoadImportError(`region ${region} is being built by another process; try again when it is done`);
    await network.deleteAbandoned.run(client, { region });
    const sourceName = `${base.source_name} × ${columns * rows} tiles (${columns} × ${rows}, generated)`;
    const id = (await network.createNetwork.one(client, { region, sourceName, format: 'osm_pbf', synthetic: true }))!.id;
    networkId = id;
    const summary = await inTransaction(client, async () => {
      for (let t = 0; t < columns * rows; t++) {
        const shift = { networkId: id, baseNetworkId: base.network_id, idOffset: t * TILE_ID_STRIDE, dx: (t % columns) * dx, dy: Math.floor(t / columns) * dy };
        await sql.copyTileEdges.run(client, shift);
        await sql.copyTileVertices.run(client, shift);
      }
      const vertexId = (v: number, t: number) => graph.vertexDbId[v]! + t * TILE_ID_STRIDE;
      await sql.insertConnectors.run(client, {
        networkId: id,
        sources: connectors.map((c) => vertexId(c.from, c.fromTile)),
        targets: connectors.map((c) => vertexId(c.to, c.toTile)),
        wkts: connectors.map((c) => `LINESTRING(${position(c.from, c.fromTile).join(' ')},${position(c.to, c.toTile).join(' ')})`),
        highway: CONNECTOR_CLASS,
      });
      await network.analyse.run(client);
      await network.assignComponents.run(client, { networkId: id });
      const written = (await network.summarise.one(client, { networkId: id, ways: 0 }))!;
      const current = await network.lockRegionRow.one(client, { region });
      await network.pointRegion.run(client, { region, networkId: id });
      await network.markReady.run(client, { networkId: id });
      if (current) {
        await network.retireNetwork.run(client, { networkId: current.network_id });
        await network.deleteEdges.run(client, { networkId: current.network_id });
        await network.deleteVertices.run(client, { networkId: current.network_id });
      }
      await network.notifyChanged.run(client, { region });
      return written;
    });
    const baseArcs = graph.forward.head.length;
    const report: ProvinceReport = {
      region,
      networkId: id,
      baseRegion: options.baseRegion,
      tiles: columns * rows,
      columns,
      rows,
      connectors: connectors.length,
      edges: summary.edges,
      vertices: summary.vertices,
      directedArcs: baseArcs * columns * rows + 2 * connectors.length,
      lengthKm: Math.round(summary.length_km),
      buildMs: Math.round(performance.now() - started),
    };
    await network.saveReport.run(client, { networkId: id, report: JSON.stringify(report) });
    return report;
  } catch (error) {
    if (networkId !== null) await network.deleteNetwork.run(client, { networkId }).catch(() => undefined);
    throw error;
  } finally {
    if (locked) await network.unlockRegion.run(client, { region }).catch(() => undefined);
    client.release();
  }
}

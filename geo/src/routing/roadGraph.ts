import { type Db, sqlFile } from '@dispatch/db';
import Flatbush from 'flatbush';
import { z } from 'zod';
import { segmentLengthM } from './geometry';
import { grown } from './typedArrays';

/** One road edge as stored in road_edges: pgRouting's convention, a negative cost = not drivable that way. */
export interface RoadEdgeInput {
  id: number;
  source: number;
  target: number;
  /** Seconds from source to target along the geometry. */
  cost: number;
  /** Seconds from target to source. */
  reverseCost: number;
  lengthM: number;
  name: string | null;
  highway: string;
  osmWayId?: number | null;
  tunnel?: boolean;
  /** Flat [lon, lat, lon, lat, ...] from source to target, at least two positions. */
  coordinates: ArrayLike<number>;
}

/**
 * The edges as columns (what the loader streams rows into, never holding a row object per edge): edge e's
 * positions are pointOffset[e] .. pointOffset[e+1]-1 of pointLon/pointLat; osmWayId NaN for none; name -1 for none.
 */
export interface RoadEdgeColumns {
  count: number;
  id: Float64Array;
  source: Float64Array;
  target: Float64Array;
  cost: Float64Array;
  reverseCost: Float64Array;
  lengthM: Float64Array;
  name: Int32Array;
  names: string[];
  highway: Int32Array;
  highways: string[];
  osmWayId: Float64Array;
  tunnel: Uint8Array;
  pointOffset: Int32Array;
  pointLon: Float64Array;
  pointLat: Float64Array;
}

/** Edges given as objects (tests, small tools) as columns. */
export function edgeColumns(edges: readonly RoadEdgeInput[]): RoadEdgeColumns {
  const columns = new EdgeColumnsBuilder();
  for (const edge of edges) columns.add(edge.id, edge.source, edge.target, edge.cost, edge.reverseCost, edge.lengthM, edge.name, edge.highway, edge.osmWayId ?? null, edge.tunnel ?? false, edge.coordinates);
  return columns.finish();
}

/** Columns grown (doubled) as edges are added, trimmed to size at the end. */
class EdgeColumnsBuilder {
  private count = 0;
  private points = 0;
  private edges = 1024;
  private pointCapacity = 4096;
  private id = new Float64Array(this.edges);
  private source = new Float64Array(this.edges);
  private target = new Float64Array(this.edges);
  private cost = new Float64Array(this.edges);
  private reverseCost = new Float64Array(this.edges);
  private lengthM = new Float64Array(this.edges);
  private name = new Int32Array(this.edges);
  private highway = new Int32Array(this.edges);
  private osmWayId = new Float64Array(this.edges);
  private tunnel = new Uint8Array(this.edges);
  private pointOffset = new Int32Array(this.edges + 1);
  private pointLon = new Float64Array(this.pointCapacity);
  private pointLat = new Float64Array(this.pointCapacity);
  private readonly nameIndex = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly highwayIndex = new Map<string, number>();
  private readonly highways: string[] = [];

  /** coordinates: flat [lon, lat, ...], or a 2D WKB LineString (read in place). */
  add(id: number, source: number, target: number, cost: number, reverseCost: number, lengthM: number, name: string | null, highway: string, osmWayId: number | null, tunnel: boolean, coordinates: ArrayLike<number> | Buffer): void {
    const e = this.count;
    if (e === this.edges) this.growEdges();
    this.id[e] = id;
    this.source[e] = source;
    this.target[e] = target;
    this.cost[e] = cost;
    this.reverseCost[e] = reverseCost;
    this.lengthM[e] = lengthM;
    this.name[e] = name === null ? -1 : intern(this.nameIndex, this.names, name);
    this.highway[e] = intern(this.highwayIndex, this.highways, highway);
    this.osmWayId[e] = osmWayId ?? NaN;
    this.tunnel[e] = tunnel ? 1 : 0;
    this.pointOffset[e] = this.points;
    if (Buffer.isBuffer(coordinates)) {
      const view = new DataView(coordinates.buffer, coordinates.byteOffset, coordinates.byteLength);
      const little = view.getUint8(0) === 1;
      const type = view.getUint32(1, little);
      if (type !== 2) throw new Error(`road edge ${id}: geometry is WKB type ${type}, expected a 2D LineString`);
      const n = view.getUint32(5, little);
      if (n < 2) throw new Error(`road edge ${id} has fewer than two positions`);
      this.reservePoints(n);
      for (let i = 0; i < n; i++) {
        this.pointLon[this.points] = view.getFloat64(9 + i * 16, little);
        this.pointLat[this.points++] = view.getFloat64(17 + i * 16, little);
      }
    } else {
      if (coordinates.length < 4) throw new Error(`road edge ${id} has fewer than two positions`);
      const n = coordinates.length >> 1;
      this.reservePoints(n);
      for (let i = 0; i < n; i++) {
        this.pointLon[this.points] = coordinates[2 * i]!;
        this.pointLat[this.points++] = coordinates[2 * i + 1]!;
      }
    }
    this.count++;
  }

  finish(): RoadEdgeColumns {
    const m = this.count;
    this.pointOffset[m] = this.points;
    // Trimmed copies only where the capacity is well past the size (a copy is what the doubling saved).
    const trim = <T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T => (a.length === size ? a : (a.slice(0, size) as T));
    return {
      count: m,
      id: trim(this.id, m), source: trim(this.source, m), target: trim(this.target, m), cost: trim(this.cost, m), reverseCost: trim(this.reverseCost, m),
      lengthM: trim(this.lengthM, m), name: trim(this.name, m), names: this.names, highway: trim(this.highway, m), highways: this.highways,
      osmWayId: trim(this.osmWayId, m), tunnel: trim(this.tunnel, m), pointOffset: trim(this.pointOffset, m + 1),
      pointLon: trim(this.pointLon, this.points), pointLat: trim(this.pointLat, this.points),
    };
  }

  private growEdges(): void {
    const capacity = this.edges * 2;
    this.id = grown(this.id, capacity);
    this.source = grown(this.source, capacity);
    this.target = grown(this.target, capacity);
    this.cost = grown(this.cost, capacity);
    this.reverseCost = grown(this.reverseCost, capacity);
    this.lengthM = grown(this.lengthM, capacity);
    this.name = grown(this.name, capacity);
    this.highway = grown(this.highway, capacity);
    this.osmWayId = grown(this.osmWayId, capacity);
    this.tunnel = grown(this.tunnel, capacity);
    this.pointOffset = grown(this.pointOffset, capacity + 1);
    this.edges = capacity;
  }

  private reservePoints(n: number): void {
    if (this.points + n <= this.pointCapacity) return;
    const capacity = Math.max(this.points + n, this.pointCapacity * 2);
    this.pointLon = grown(this.pointLon, capacity, this.points);
    this.pointLat = grown(this.pointLat, capacity, this.points);
    this.pointCapacity = capacity;
  }
}

/**
 * Compressed sparse rows: the arcs leaving vertex v are offsets[v] .. offsets[v+1]-1. `arc` encodes the edge
 * and the direction it is driven in as edge * 2 + (0 along the geometry | 1 against it).
 */
export interface Csr {
  offsets: Int32Array;
  head: Int32Array;
  arc: Int32Array;
  weight: Float64Array;
  length: Float64Array;
}

export const EDGE_ROUNDABOUT = 1;
export const EDGE_TUNNEL = 2;

/**
 * An immutable in-memory copy of one region's network, laid out for searching: compact vertex indices
 * 0..vertexCount-1, per-edge typed arrays, forward and reversed adjacency, and the edge geometries with a
 * spatial index over their segments for snapping.
 */
export class RoadGraph {
  readonly vertexCount: number;
  readonly edgeCount: number;
  /** road_vertices.id of each compact vertex. */
  readonly vertexDbId: Float64Array;
  readonly vertexLon: Float64Array;
  readonly vertexLat: Float64Array;
  /** Weakly connected component of each vertex: different components can never reach each other. */
  readonly vertexComponent: Int32Array;
  /**
   * 1 for the vertices of the largest strongly connected component: from any of them every other can be
   * reached by car and back. Real extracts also hold one-way sinks and sources, gated or badly joined pieces;
   * a point snapped onto such a piece falls back to this part (snap.ts, toMainNetwork).
   */
  readonly vertexInMain: Uint8Array;
  readonly mainVertexCount: number;
  /** Number of edges meeting at the vertex (2 = a bend in a road, not a junction). */
  readonly vertexDegree: Int32Array;
  readonly edgeDbId: Float64Array;
  readonly edgeSource: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly edgeCost: Float64Array;
  readonly edgeReverseCost: Float64Array;
  readonly edgeLength: Float64Array;
  /** Index into `names`, -1 for an unnamed road. */
  readonly edgeName: Int32Array;
  readonly names: string[];
  readonly edgeHighway: Int32Array;
  readonly highways: string[];
  readonly edgeFlags: Uint8Array;
  /** Edge e's positions are pointOffset[e] .. pointOffset[e+1]-1 in pointLon/pointLat. */
  readonly pointOffset: Int32Array;
  readonly pointLon: Float64Array;
  readonly pointLat: Float64Array;
  /** Metres from the start of its edge's geometry to each position. */
  readonly pointDistM: Float64Array;
  readonly forward: Csr;
  /** Arcs reversed (source and target swapped, each keeping its own cost): for many-to-one searches. */
  readonly reverse: Csr;
  /** Segment i of the index runs from position segmentPoint[i] to segmentPoint[i] + 1. */
  readonly segments: Flatbush;
  readonly segmentPoint: Int32Array;
  readonly segmentEdge: Int32Array;
  readonly bbox: [number, number, number, number];

  constructor(
    readonly region: string,
    readonly networkId: number,
    given: readonly RoadEdgeInput[] | RoadEdgeColumns,
  ) {
    const edges = Array.isArray(given) ? edgeColumns(given as readonly RoadEdgeInput[]) : (given as RoadEdgeColumns);
    if (edges.count === 0) throw new Error(`road network ${networkId} of region ${region} has no edges`);
    const m = edges.count;
    this.edgeCount = m;
    const vertexIndex = new Map<number, number>();
    const dbIds: number[] = [];

    // The columns become the graph's own arrays (no copy).
    this.edgeDbId = edges.id;
    this.edgeSource = new Int32Array(m);
    this.edgeTarget = new Int32Array(m);
    this.edgeCost = edges.cost;
    this.edgeReverseCost = edges.reverseCost;
    this.edgeLength = edges.lengthM;
    this.edgeName = edges.name;
    this.names = edges.names;
    this.edgeHighway = edges.highway;
    this.highways = edges.highways;
    this.edgeFlags = new Uint8Array(m);
    this.pointOffset = edges.pointOffset;
    this.pointLon = edges.pointLon;
    this.pointLat = edges.pointLat;
    this.pointDistM = new Float64Array(edges.pointLon.length);

    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let e = 0; e < m; e++) {
      this.edgeSource[e] = intern(vertexIndex, dbIds, edges.source[e]!);
      this.edgeTarget[e] = intern(vertexIndex, dbIds, edges.target[e]!);
      if (edges.tunnel[e]) this.edgeFlags[e]! |= EDGE_TUNNEL;
      let along = 0;
      for (let p = this.pointOffset[e]!; p < this.pointOffset[e + 1]!; p++) {
        const lon = this.pointLon[p]!;
        const lat = this.pointLat[p]!;
        if (p > this.pointOffset[e]!) along += segmentLengthM(this.pointLon[p - 1]!, this.pointLat[p - 1]!, lon, lat);
        this.pointDistM[p] = along;
        if (lon < minX) minX = lon;
        if (lon > maxX) maxX = lon;
        if (lat < minY) minY = lat;
        if (lat > maxY) maxY = lat;
      }
    }
    this.bbox = [minX, minY, maxX, maxY];

    const n = dbIds.length;
    this.vertexCount = n;
    const lonOf = new Float64Array(n);
    const latOf = new Float64Array(n);
    for (let e = 0; e < m; e++) {
      const first = this.pointOffset[e]!;
      const last = this.pointOffset[e + 1]! - 1;
      lonOf[this.edgeSource[e]!] = this.pointLon[first]!;
      latOf[this.edgeSource[e]!] = this.pointLat[first]!;
      lonOf[this.edgeTarget[e]!] = this.pointLon[last]!;
      latOf[this.edgeTarget[e]!] = this.pointLat[last]!;
    }
    this.vertexDbId = Float64Array.from(dbIds);
    this.vertexLon = lonOf;
    this.vertexLat = latOf;

    this.forward = buildCsr(n, this.edgeSource, this.edgeTarget, this.edgeCost, this.edgeReverseCost, this.edgeLength, false);
    this.reverse = buildCsr(n, this.edgeSource, this.edgeTarget, this.edgeCost, this.edgeReverseCost, this.edgeLength, true);
    this.vertexComponent = weakComponents(n, this.edgeSource, this.edgeTarget);
    this.vertexInMain = largestStrongComponent(this.forward);
    this.mainVertexCount = this.vertexInMain.reduce((a, b) => a + b, 0);
    this.vertexDegree = new Int32Array(n);
    for (let e = 0; e < m; e++) {
      this.vertexDegree[this.edgeSource[e]!]!++;
      this.vertexDegree[this.edgeTarget[e]!]!++;
    }
    markRoundabouts(edges.osmWayId, this);

    // Only edges drivable at least one way can take a snapped point; segments of length zero add nothing.
    let segmentCount = 0;
    for (let e = 0; e < m; e++) {
      if (this.edgeCost[e]! < 0 && this.edgeReverseCost[e]! < 0) continue;
      segmentCount += this.pointOffset[e + 1]! - this.pointOffset[e]! - 1;
    }
    this.segments = new Flatbush(Math.max(1, segmentCount));
    this.segmentPoint = new Int32Array(Math.max(1, segmentCount));
    this.segmentEdge = new Int32Array(Math.max(1, segmentCount));
    let s = 0;
    for (let e = 0; e < m; e++) {
      if (this.edgeCost[e]! < 0 && this.edgeReverseCost[e]! < 0) continue;
      for (let q = this.pointOffset[e]!; q < this.pointOffset[e + 1]! - 1; q++) {
        const x0 = this.pointLon[q]!;
        const y0 = this.pointLat[q]!;
        const x1 = this.pointLon[q + 1]!;
        const y1 = this.pointLat[q + 1]!;
        this.segments.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
        this.segmentPoint[s] = q;
        this.segmentEdge[s] = e;
        s++;
      }
    }
    if (segmentCount === 0) this.segments.add(minX, minY, minX, minY);
    this.segments.finish();
  }

  nameOf(edge: number): string | null {
    const n = this.edgeName[edge]!;
    return n < 0 ? null : this.names[n]!;
  }

  /** Both ends in the largest strongly connected component: any point of the edge can reach and be reached from all of it. */
  isMainEdge(edge: number): boolean {
    return this.vertexInMain[this.edgeSource[edge]!] === 1 && this.vertexInMain[this.edgeTarget[edge]!] === 1;
  }

  highwayOf(edge: number): string {
    return this.highways[this.edgeHighway[edge]!]!;
  }

  /** Bytes held by the typed arrays and the spatial index (what a region costs in memory). */
  byteSize(): number {
    let bytes = this.segments.data.byteLength;
    for (const value of Object.values(this)) {
      if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    }
    for (const csr of [this.forward, this.reverse]) for (const a of Object.values(csr)) bytes += (a as ArrayBufferView).byteLength;
    return bytes;
  }
}

/** The index of `value` in `list`, appended on first sight. */
function intern<T>(index: Map<T, number>, list: T[], value: T): number {
  let i = index.get(value);
  if (i === undefined) {
    i = list.length;
    index.set(value, i);
    list.push(value);
  }
  return i;
}

function buildCsr(
  n: number,
  source: Int32Array,
  target: Int32Array,
  cost: Float64Array,
  reverseCost: Float64Array,
  lengthM: Float64Array,
  reversed: boolean,
): Csr {
  const m = source.length;
  const offsets = new Int32Array(n + 1);
  // Forward arc of an edge leaves `source` (cost) and its backward arc leaves `target` (reverse_cost); the
  // reversed graph swaps only which end an arc leaves from, never the costs.
  for (let e = 0; e < m; e++) {
    if (cost[e]! >= 0) offsets[(reversed ? target[e]! : source[e]!) + 1]!++;
    if (reverseCost[e]! >= 0) offsets[(reversed ? source[e]! : target[e]!) + 1]!++;
  }
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const arcs = offsets[n]!;
  const head = new Int32Array(arcs);
  const arc = new Int32Array(arcs);
  const weight = new Float64Array(arcs);
  const length = new Float64Array(arcs);
  const fill = offsets.slice(0, n);
  const put = (from: number, to: number, code: number, w: number, len: number) => {
    const i = fill[from]!++;
    head[i] = to;
    arc[i] = code;
    weight[i] = w;
    length[i] = len;
  };
  for (let e = 0; e < m; e++) {
    const s = source[e]!;
    const t = target[e]!;
    if (cost[e]! >= 0) put(reversed ? t : s, reversed ? s : t, e * 2, cost[e]!, lengthM[e]!);
    if (reverseCost[e]! >= 0) put(reversed ? s : t, reversed ? t : s, e * 2 + 1, reverseCost[e]!, lengthM[e]!);
  }
  return { offsets, head, arc, weight, length };
}

function weakComponents(n: number, source: Int32Array, target: Int32Array): Int32Array {
  const parent = new Int32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  };
  for (let e = 0; e < source.length; e++) {
    const a = find(source[e]!);
    const b = find(target[e]!);
    if (a !== b) parent[a] = b;
  }
  const component = new Int32Array(n);
  for (let v = 0; v < n; v++) component[v] = find(v);
  return component;
}

/** Marks the vertices of the largest strongly connected component (iterative Tarjan, no recursion). */
function largestStrongComponent(csr: Csr): Uint8Array {
  const n = csr.offsets.length - 1;
  const { offsets, head } = csr;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callVertex = new Int32Array(n);
  const callArc = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let stackSize = 0;
  let counter = 0;
  let components = 0;
  let bestComponent = -1;
  let bestSize = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callVertex[0] = root;
    callArc[0] = offsets[root]!;
    index[root] = low[root] = counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callVertex[depth]!;
      const i = callArc[depth]!;
      if (i < offsets[v + 1]!) {
        callArc[depth] = i + 1;
        const w = head[i]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[stackSize++] = w;
          onStack[w] = 1;
          depth++;
          callVertex[depth] = w;
          callArc[depth] = offsets[w]!;
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--stackSize]!;
          onStack[w] = 0;
          component[w] = components;
          size++;
        } while (w !== v);
        if (size > bestSize) [bestSize, bestComponent] = [size, components];
        components++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callVertex[depth]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  const main = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (component[v] === bestComponent) main[v] = 1;
  return main;
}

/**
 * road_edges keeps no junction tag, so a roundabout is recognised by its shape: the oneway edges of one OSM
 * way that close into a ring of at most 1.5 km (roundabouts are mapped as one closed oneway way).
 */
function markRoundabouts(osmWayId: Float64Array, graph: RoadGraph): void {
  const byWay = new Map<number, number[]>();
  for (let e = 0; e < osmWayId.length; e++) {
    const way = osmWayId[e]!;
    if (Number.isNaN(way)) continue;
    let list = byWay.get(way);
    if (!list) byWay.set(way, (list = []));
    list.push(e);
  }
  for (const list of byWay.values()) {
    if (list.length < 2) continue;
    const outgoing = new Map<number, number>();
    const incoming = new Map<number, number>();
    let total = 0;
    let oneway = true;
    for (const e of list) {
      const forward = graph.edgeCost[e]! >= 0;
      if (forward === graph.edgeReverseCost[e]! >= 0) oneway = false;
      const from = forward ? graph.edgeSource[e]! : graph.edgeTarget[e]!;
      const to = forward ? graph.edgeTarget[e]! : graph.edgeSource[e]!;
      outgoing.set(from, (outgoing.get(from) ?? 0) + 1);
      incoming.set(to, (incoming.get(to) ?? 0) + 1);
      total += graph.edgeLength[e]!;
    }
    if (!oneway || total > 1500 || outgoing.size !== list.length || incoming.size !== list.length) continue;
    let ring = true;
    for (const v of outgoing.keys()) if (incoming.get(v) !== 1) ring = false;
    if (ring) for (const e of list) graph.edgeFlags[e]! |= EDGE_ROUNDABOUT;
  }
}

const n = z.number();
// Checked per edge: about 8 ms for 57k edges once warm (~80 ms the first time), a few percent of the load.
const LoadRow = z.object({
  network_id: n, id: n, source: n, target: n, cost: n, reverse_cost: n, length_m: n,
  name: z.string().nullable(), highway: z.string(), osm_way_id: n.nullable(), tunnel: z.boolean(), wkb: z.instanceof(Buffer),
});
const sql = sqlFile(new URL('./roadGraph.sql', import.meta.url), {
  load: { params: z.object({ region: z.string() }), row: LoadRow },
});

export class NoRoadNetworkError extends Error {
  override name = 'NoRoadNetworkError';
}

/** Rows fetched per round trip while loading: a few MB of row objects alive at a time, whatever the network's size. */
const LOAD_CHUNK_ROWS = 20_000;

/**
 * Loads a region's active network into memory; NoRoadNetworkError when there is no such region. The rows are streamed
 * through a cursor (one statement, so one snapshot) in chunks, each written into growing typed columns and dropped:
 * a province's 1.1M edges never exist as 1.1M row objects at once (that held ~1.3 GB of RSS beyond the arrays).
 */
export async function loadRoadGraph(db: Db, region: string): Promise<RoadGraph> {
  const client = await db.connect();
  let failed = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE road_graph_load NO SCROLL CURSOR FOR ${sql.load.text}`, [region]);
    const columns = new EdgeColumnsBuilder();
    let networkId: number | null = null;
    for (;;) {
      const { rows } = await client.query(`FETCH FORWARD ${LOAD_CHUNK_ROWS} FROM road_graph_load`);
      for (const raw of rows) {
        const row = LoadRow.parse(raw);
        networkId ??= row.network_id;
        columns.add(row.id, row.source, row.target, row.cost, row.reverse_cost, row.length_m, row.name, row.highway, row.osm_way_id, row.tunnel, row.wkb);
      }
      if (rows.length < LOAD_CHUNK_ROWS) break;
    }
    await client.query('COMMIT');
    if (networkId === null) throw new NoRoadNetworkError(`no road network for region "${region}": import one first (npm run geo:import)`);
    return new RoadGraph(region, networkId, columns.finish());
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection whose rollback may not have gone through is not given back to the pool.
    client.release(failed ? true : undefined);
  }
}

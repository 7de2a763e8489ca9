import { type Queryable, sqlFile } from '@dispatch/db';
import Flatbush from 'flatbush';
import { z } from 'zod';
import { segmentLengthM } from './geometry';

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
    edges: readonly RoadEdgeInput[],
  ) {
    if (edges.length === 0) throw new Error(`road network ${networkId} of region ${region} has no edges`);
    const m = edges.length;
    this.edgeCount = m;
    const vertexIndex = new Map<number, number>();
    const dbIds: number[] = [];

    this.edgeDbId = new Float64Array(m);
    this.edgeSource = new Int32Array(m);
    this.edgeTarget = new Int32Array(m);
    this.edgeCost = new Float64Array(m);
    this.edgeReverseCost = new Float64Array(m);
    this.edgeLength = new Float64Array(m);
    this.edgeName = new Int32Array(m);
    this.edgeHighway = new Int32Array(m);
    this.edgeFlags = new Uint8Array(m);
    this.pointOffset = new Int32Array(m + 1);
    const nameIndex = new Map<string, number>();
    this.names = [];
    const highwayIndex = new Map<string, number>();
    this.highways = [];

    let points = 0;
    for (const edge of edges) points += edge.coordinates.length >> 1;
    this.pointLon = new Float64Array(points);
    this.pointLat = new Float64Array(points);
    this.pointDistM = new Float64Array(points);

    let p = 0;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    edges.forEach((edge, e) => {
      if (edge.coordinates.length < 4) throw new Error(`road edge ${edge.id} has fewer than two positions`);
      this.edgeDbId[e] = edge.id;
      this.edgeSource[e] = intern(vertexIndex, dbIds, edge.source);
      this.edgeTarget[e] = intern(vertexIndex, dbIds, edge.target);
      this.edgeCost[e] = edge.cost;
      this.edgeReverseCost[e] = edge.reverseCost;
      this.edgeLength[e] = edge.lengthM;
      this.edgeName[e] = edge.name === null ? -1 : intern(nameIndex, this.names, edge.name);
      this.edgeHighway[e] = intern(highwayIndex, this.highways, edge.highway);
      if (edge.tunnel) this.edgeFlags[e]! |= EDGE_TUNNEL;
      this.pointOffset[e] = p;
      const c = edge.coordinates;
      let along = 0;
      for (let i = 0; i < c.length; i += 2) {
        const lon = c[i]!;
        const lat = c[i + 1]!;
        if (i > 0) along += segmentLengthM(c[i - 2]!, c[i - 1]!, lon, lat);
        this.pointLon[p] = lon;
        this.pointLat[p] = lat;
        this.pointDistM[p] = along;
        p++;
        if (lon < minX) minX = lon;
        if (lon > maxX) maxX = lon;
        if (lat < minY) minY = lat;
        if (lat > maxY) maxY = lat;
      }
    });
    this.pointOffset[m] = p;
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
    markRoundabouts(edges, this);

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
function markRoundabouts(edges: readonly RoadEdgeInput[], graph: RoadGraph): void {
  const byWay = new Map<number, number[]>();
  edges.forEach((edge, e) => {
    if (edge.osmWayId === null || edge.osmWayId === undefined) return;
    let list = byWay.get(edge.osmWayId);
    if (!list) byWay.set(edge.osmWayId, (list = []));
    list.push(e);
  });
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
const sql = sqlFile(new URL('./roadGraph.sql', import.meta.url), {
  load: {
    params: z.object({ region: z.string() }),
    // Checked per edge: about 8 ms for 57k edges once warm (~80 ms the first time), a few percent of the load.
    row: z.object({
      network_id: n, id: n, source: n, target: n, cost: n, reverse_cost: n, length_m: n,
      name: z.string().nullable(), highway: z.string(), osm_way_id: n.nullable(), tunnel: z.boolean(), wkb: z.instanceof(Buffer),
    }),
  },
});

export class NoRoadNetworkError extends Error {
  override name = 'NoRoadNetworkError';
}

/** Loads a region's active network into memory; NoRoadNetworkError when there is no such region. */
export async function loadRoadGraph(db: Queryable, region: string): Promise<RoadGraph> {
  const rows = await sql.load.rows(db, { region });
  if (!rows[0]) throw new NoRoadNetworkError(`no road network for region "${region}": import one first (npm run geo:import)`);
  const edges = rows.map(
    (row): RoadEdgeInput => ({
      id: row.id,
      source: row.source,
      target: row.target,
      cost: row.cost,
      reverseCost: row.reverse_cost,
      lengthM: row.length_m,
      name: row.name,
      highway: row.highway,
      osmWayId: row.osm_way_id,
      tunnel: row.tunnel,
      coordinates: lineStringFromWkb(row.wkb, row.id),
    }),
  );
  return new RoadGraph(region, rows[0].network_id, edges);
}

/** Plain 2D WKB LineString → flat coordinates; binary is several times cheaper to move and parse than text. */
function lineStringFromWkb(wkb: Buffer, edgeId: number): Float64Array {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const little = view.getUint8(0) === 1;
  const type = view.getUint32(1, little);
  if (type !== 2) throw new Error(`road edge ${edgeId}: geometry is WKB type ${type}, expected a 2D LineString`);
  const count = view.getUint32(5, little);
  const out = new Float64Array(count * 2);
  for (let i = 0; i < count * 2; i++) out[i] = view.getFloat64(9 + i * 8, little);
  return out;
}

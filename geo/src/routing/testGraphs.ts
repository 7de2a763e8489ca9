import { RoadGraph, type RoadEdgeInput } from './roadGraph';
import type { RoadSnap } from './snap';
import { seededRandom } from '../demo/prng';

/** Hand-made networks for unit tests: vertices on a small lon/lat grid near Shanghai, costs chosen by the test. */
export const ORIGIN: [number, number] = [121.45, 31.2];
/** Grid spacing in degrees (about 95 m east-west and 111 m north-south here). */
export const STEP = 0.001;

export function at(x: number, y: number): [number, number] {
  return [ORIGIN[0] + x * STEP, ORIGIN[1] + y * STEP];
}

export interface EdgeSpec {
  from: [number, number];
  to: [number, number];
  cost: number;
  /** Negative: oneway from → to. */
  reverseCost: number;
  name?: string | null;
  lengthM?: number;
  osmWayId?: number;
  /** Intermediate grid positions between from and to. */
  via?: [number, number][];
}

/** Vertex id of a grid position: stable and distinct, as road_vertices ids are. */
export function vertexId([x, y]: [number, number]): number {
  return (x + 100) * 1000 + (y + 100);
}

export function edgeInputs(specs: readonly EdgeSpec[]): RoadEdgeInput[] {
  return specs.map((spec, i) => {
    const positions = [spec.from, ...(spec.via ?? []), spec.to];
    const coordinates = positions.flatMap(([x, y]) => at(x, y));
    return {
      id: i + 1,
      source: vertexId(spec.from),
      target: vertexId(spec.to),
      cost: spec.cost,
      reverseCost: spec.reverseCost,
      lengthM: spec.lengthM ?? spec.cost * 10,
      name: spec.name === undefined ? `Road ${i + 1}` : spec.name,
      highway: 'residential',
      osmWayId: spec.osmWayId ?? i + 1,
      coordinates,
    };
  });
}

export function graphOf(specs: readonly EdgeSpec[], region = 'test'): RoadGraph {
  return new RoadGraph(region, 1, edgeInputs(specs));
}

/** Deterministic pseudo-random numbers, so a failing case can be replayed. */
export { seededRandom };

/**
 * A random grid network: every grid link present with some probability, some oneway in either direction,
 * costs random. Returns the specs so a test can compute expected answers independently.
 */
export function randomGrid(size: number, seed: number): EdgeSpec[] {
  const random = seededRandom(seed);
  const specs: EdgeSpec[] = [];
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) {
      for (const [dx, dy] of [[1, 0], [0, 1]] as const) {
        if (x + dx >= size || y + dy >= size || random() < 0.15) continue;
        const cost = 5 + random() * 30;
        const kind = random();
        const reverseCost = kind < 0.2 ? -1 : kind < 0.3 ? cost * 2 : cost;
        const forwardCost = kind >= 0.2 && kind < 0.25 ? -1 : cost;
        specs.push({ from: [x, y], to: [x + dx, y + dy], cost: forwardCost, reverseCost, lengthM: cost * 11 });
      }
    }
  }
  return specs;
}

/** All-pairs shortest times by Floyd–Warshall over the specs: the independent reference for small graphs. */
export function allPairs(specs: readonly EdgeSpec[]): { index: Map<number, number>; time: number[][]; length: number[][] } {
  const index = new Map<number, number>();
  for (const s of specs) for (const p of [s.from, s.to]) if (!index.has(vertexId(p))) index.set(vertexId(p), index.size);
  const n = index.size;
  const matrix = () => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
  const [time, length] = [matrix(), matrix()];
  for (const s of specs) {
    const a = index.get(vertexId(s.from))!;
    const b = index.get(vertexId(s.to))!;
    const len = s.lengthM ?? s.cost * 10;
    if (s.cost >= 0 && s.cost < time[a]![b]!) [time[a]![b], length[a]![b]] = [s.cost, len];
    if (s.reverseCost >= 0 && s.reverseCost < time[b]![a]!) [time[b]![a], length[b]![a]] = [s.reverseCost, len];
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const t = time[i]![k]! + time[k]![j]!;
        if (t < time[i]![j]!) [time[i]![j], length[i]![j]] = [t, length[i]![k]! + length[k]![j]!];
      }
  return { index, time, length };
}

/** A vertex as a snap on one of its edges, so searches can be compared vertex to vertex. */
export function vertexSnap(graph: RoadGraph, v: number): RoadSnap {
  for (let e = 0; e < graph.edgeCount; e++) {
    if (graph.edgeSource[e] === v || graph.edgeTarget[e] === v) {
      return { edgeIndex: e, fraction: graph.edgeSource[e] === v ? 0 : 1, snappedLonLat: [graph.vertexLon[v]!, graph.vertexLat[v]!], snapDistanceM: 0 };
    }
  }
  throw new Error(`vertex ${v} has no edge`);
}

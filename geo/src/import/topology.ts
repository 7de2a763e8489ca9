import { closedToVehicles, isRoadLine, wayAttributes, type WayAttributes } from './roadTags';
import { RoadImportError, type RoadSource } from './roadSource';

export interface TopologyEdge {
  source: number;
  target: number;
  osmWayId: number | null;
  attributes: WayAttributes;
  /** Flat [lon, lat, lon, lat, ...] from source to target. */
  coordinates: number[];
}

export interface Topology {
  edges: TopologyEdge[];
  /** Ways that produced at least one edge. */
  ways: number;
  /** Every edge end, in first-seen order. */
  vertices: number[];
}

/**
 * Splits ways into routable edges: a way is cut at every node that is used more than once (by two ways, or
 * twice by one way as in a loop) and wherever the source lacks a node (an extract clipped the way), so edges
 * meet only at their ends. Ways whose class is not drivable are left out.
 */
export function buildTopology(source: RoadSource, drivableClasses: ReadonlySet<string>): Topology {
  const pieces: { nodes: number[]; wayIndex: number }[] = [];
  const skipped = source.skipped;
  source.ways.forEach((way, wayIndex) => {
    const highway = way.tags.highway;
    if (highway === undefined || !drivableClasses.has(highway)) return skipped.add('not_drivable', highway ?? 'none');
    if (!isRoadLine(way.tags)) return skipped.add('area', highway);
    const closed = closedToVehicles(way.tags);
    if (closed) return skipped.add('closed_to_vehicles', closed);
    const before = pieces.length;
    let run: number[] = [];
    const flush = () => {
      if (run.length >= 2) pieces.push({ nodes: run, wayIndex });
      run = [];
    };
    for (const node of way.nodes) {
      if (!source.nodes.has(node)) {
        flush();
        continue;
      }
      // A repeated node in a row is a mapping slip that would make a zero-length edge.
      if (run[run.length - 1] !== node) run.push(node);
    }
    flush();
    if (pieces.length === before) skipped.add('no_nodes', highway);
  });

  const uses = new Map<number, number>();
  for (const piece of pieces) for (const node of piece.nodes) uses.set(node, (uses.get(node) ?? 0) + 1);

  const attributes = new Map<number, WayAttributes>();
  const edges: TopologyEdge[] = [];
  // A Set keeps first-seen order.
  const vertices = new Set<number>();
  const usedWays = new Set<number>();
  const emit = (nodes: number[], wayIndex: number) => {
    const way = source.ways[wayIndex]!;
    const attrs = attributes.get(wayIndex) ?? wayAttributes(way.tags);
    attributes.set(wayIndex, attrs);
    const coordinates: number[] = [];
    for (const node of nodes) {
      const [lon, lat] = source.nodes.get(node)!;
      coordinates.push(lon, lat);
    }
    const first = nodes[0]!;
    const last = nodes[nodes.length - 1]!;
    vertices.add(first).add(last);
    usedWays.add(wayIndex);
    edges.push({ source: first, target: last, osmWayId: way.osmId, attributes: attrs, coordinates });
  };

  for (const { nodes, wayIndex } of pieces) {
    let start = 0;
    for (let i = 1; i < nodes.length; i++) {
      if (i < nodes.length - 1 && (uses.get(nodes[i]!) ?? 0) < 2) continue;
      const segment = nodes.slice(start, i + 1);
      // A closed way touching nothing else would become one edge from a vertex to itself, useless to a
      // router; cutting it in the middle keeps both halves drivable.
      if (segment[0] === segment[segment.length - 1] && segment.length > 3) {
        const middle = Math.floor(segment.length / 2);
        emit(segment.slice(0, middle + 1), wayIndex);
        emit(segment.slice(middle), wayIndex);
      } else if (segment[0] !== segment[segment.length - 1]) {
        emit(segment, wayIndex);
      }
      start = i;
    }
  }

  if (edges.length === 0) {
    const left = skipped.list().map((s) => `${s.count} ${s.reason} (${s.kind})`).join(', ');
    throw new RoadImportError(
      `no drivable roads found: ${source.ways.length} ways read, none a line of a class in road_class_speeds (${[...drivableClasses].sort().join(', ')}) open to vehicles${left ? `; left out: ${left}` : ''}`,
    );
  }
  return { edges, ways: usedWays.size, vertices: [...vertices] };
}

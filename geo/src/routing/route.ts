import type { RoadRouteDto, RouteDto } from '@dispatch/protocol';
import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from './edgeParts';
import { bearingDeg, segmentLengthM, turnAngle, type LonLat } from './geometry';
import { EDGE_ROUNDABOUT, type RoadGraph } from './roadGraph';
import { workspaceFor } from './search';
import { DEFAULT_MAX_SNAP_M, snapToRoad, toMainNetwork, type RoadSnap } from './snap';

export type Maneuver = 'depart' | 'straight' | 'slight_left' | 'left' | 'sharp_left' | 'slight_right' | 'right' | 'sharp_right' | 'u_turn' | 'roundabout' | 'arrive';

/**
 * One instruction: at `location`, do `maneuver`, then follow `streetName` for distanceM / durationS; with the
 * compass bearings (0 = north) of travel just before and just after the maneuver, 0 where there is none.
 */
export type RouteStep = RoadRouteDto['steps'][number] & { maneuver: Maneuver };

export interface Route extends Omit<RouteDto, 'steps'> {
  /** road_edges ids driven, in order (also the partial first and last edges). */
  edgeIds: number[];
  steps: RouteStep[];
  from: RoadSnap;
  to: RoadSnap;
}

/** Both points are on the network, but no drivable path joins them (oneways, separate components). */
export class NoPathError extends Error {
  override name = 'NoPathError';
}

/** A stretch of one edge driven from fraction `from` to fraction `to` (from > to: against the geometry). */
interface Piece {
  edge: number;
  from: number;
  to: number;
}

/**
 * The fastest route between two points: forward Dijkstra from the start's position on its edge, stopped
 * once both ends of the destination's edge are settled, with the geometry cut at the partial first and last
 * edges and turn-by-turn steps. Throws TooFarFromRoadError (naming `from` or `to`) or NoPathError.
 */
export function route(graph: RoadGraph, from: LonLat, to: LonLat, options: { maxSnapM?: number; mainNetworkFallback?: boolean } = {}): Route {
  const maxSnapM = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  // With the fallback, an end on a piece cut off from the main network starts or ends on the main network, as the ETAs do.
  const place = (point: LonLat, what: string) => {
    const snap = snapToRoad(graph, point, maxSnapM, what);
    return options.mainNetworkFallback ? toMainNetwork(graph, point, snap)! : snap;
  };
  const start = place(from, 'from');
  const end = place(to, 'to');
  const { edgeSource, edgeTarget } = graph;
  const fe = start.edgeIndex;
  const g = start.fraction;
  const te = end.edgeIndex;
  const f = end.fraction;

  const ws = workspaceFor(graph);
  ws.begin();
  const toTarget = secondsToTarget(graph, fe, g);
  const toSource = secondsToSource(graph, fe, g);
  if (toTarget < Infinity) ws.seed(edgeTarget[fe]!, toTarget, 0, 0);
  if (toSource < Infinity) ws.seed(edgeSource[fe]!, toSource, 0, 0);
  const fromSource = secondsFromSource(graph, te, f);
  const fromTarget = secondsFromTarget(graph, te, f);
  if (fromSource < Infinity) ws.want(edgeSource[te]!);
  if (fromTarget < Infinity) ws.want(edgeTarget[te]!);
  ws.run(graph.forward, Infinity);

  let best = Infinity;
  let arrival: Piece | null = null;
  let via = -1;
  if (fromSource < Infinity && ws.isSettled(edgeSource[te]!)) {
    const t = ws.time[edgeSource[te]!]! + fromSource;
    if (t < best) [best, arrival, via] = [t, { edge: te, from: 0, to: f }, edgeSource[te]!];
  }
  if (fromTarget < Infinity && ws.isSettled(edgeTarget[te]!)) {
    const t = ws.time[edgeTarget[te]!]! + fromTarget;
    if (t < best) [best, arrival, via] = [t, { edge: te, from: 1, to: f }, edgeTarget[te]!];
  }
  let pieces: Piece[];
  const direct = fe === te ? secondsAlong(graph, fe, g, f) : Infinity;
  if (direct < Infinity && direct <= best) {
    pieces = [{ edge: fe, from: g, to: f }];
  } else if (arrival) {
    const middle: Piece[] = [];
    let v = via;
    for (let code = ws.via[v]!; code >= 0; code = ws.via[v]!) {
      const e = code >> 1;
      const along = (code & 1) === 0;
      middle.push(along ? { edge: e, from: 0, to: 1 } : { edge: e, from: 1, to: 0 });
      v = along ? edgeSource[e]! : edgeTarget[e]!;
    }
    middle.reverse();
    const departure: Piece = v === edgeTarget[fe] && toTarget < Infinity ? { edge: fe, from: g, to: 1 } : { edge: fe, from: g, to: 0 };
    pieces = [departure, ...middle, arrival];
  } else {
    throw new NoPathError(
      `no drivable path from ${from[0]},${from[1]} to ${to[0]},${to[1]}` +
        (graph.vertexComponent[edgeSource[fe]!] !== graph.vertexComponent[edgeSource[te]!]
          ? ': they are on roads not connected to each other'
          : ': oneway streets allow no way between them'),
    );
  }
  return buildRoute(graph, start, end, pieces);
}

function buildRoute(graph: RoadGraph, start: RoadSnap, end: RoadSnap, allPieces: Piece[]): Route {
  const pieces = allPieces.filter((p) => p.from !== p.to);
  const stretches = pieces.map(({ edge: e, from, to }) => {
    const span = Math.abs(to - from);
    const entry = from === 0 ? graph.edgeSource[e]! : from === 1 ? graph.edgeTarget[e]! : -1;
    return {
      name: graph.nameOf(e),
      roundabout: (graph.edgeFlags[e]! & EDGE_ROUNDABOUT) !== 0,
      coords: sliceEdge(graph, e, from, to),
      distanceM: span * graph.edgeLength[e]!,
      durationS: span * (to > from ? graph.edgeCost[e]! : graph.edgeReverseCost[e]!),
      junction: entry >= 0 && graph.vertexDegree[entry]! > 2,
    };
  });
  type Stretch = (typeof stretches)[number];
  const coordinates: LonLat[] = [];
  let durationS = 0;
  let distanceM = 0;
  for (const stretch of stretches) {
    durationS += stretch.durationS;
    distanceM += stretch.distanceM;
    for (const c of stretch.coords) {
      const last = coordinates[coordinates.length - 1];
      if (!last || last[0] !== c[0] || last[1] !== c[1]) coordinates.push(c);
    }
  }
  if (coordinates.length === 0) coordinates.push(start.snappedLonLat);
  if (coordinates.length === 1) coordinates.push(coordinates[0]!);

  // Consecutive stretches of one street make one step, unless the street itself turns at a junction.
  const groups: { first: Stretch; last: Stretch; distanceM: number; durationS: number }[] = [];
  for (const s of stretches) {
    const group = groups[groups.length - 1];
    const sameStreet =
      group && group.last.name === s.name && group.last.roundabout === s.roundabout && (s.roundabout || !s.junction || Math.abs(turnAngle(endBearing(group.last.coords), startBearing(s.coords))) < 45);
    if (group && sameStreet) {
      group.last = s;
      group.distanceM += s.distanceM;
      group.durationS += s.durationS;
    } else {
      groups.push({ first: s, last: s, distanceM: s.distanceM, durationS: s.durationS });
    }
  }

  const steps: RouteStep[] = groups.map((group, i) => {
    const bearingAfter = startBearing(group.first.coords);
    const bearingBefore = i === 0 ? 0 : endBearing(groups[i - 1]!.last.coords);
    const maneuver = i === 0 ? 'depart' : group.first.roundabout ? 'roundabout' : maneuverFor(turnAngle(bearingBefore, bearingAfter));
    const location = i === 0 ? start.snappedLonLat : group.first.coords[0]!;
    return { maneuver, streetName: group.first.name, distanceM: group.distanceM, durationS: group.durationS, location, bearingBefore, bearingAfter };
  });
  if (steps.length === 0) {
    steps.push({ maneuver: 'depart', streetName: graph.nameOf(start.edgeIndex), distanceM: 0, durationS: 0, location: start.snappedLonLat, bearingBefore: 0, bearingAfter: 0 });
  }
  const last = groups[groups.length - 1]?.last;
  steps.push({
    maneuver: 'arrive', streetName: last ? last.name : graph.nameOf(end.edgeIndex), distanceM: 0, durationS: 0,
    location: end.snappedLonLat, bearingBefore: last ? endBearing(last.coords) : 0, bearingAfter: 0,
  });
  const edgeIds = pieces.map((p) => graph.edgeDbId[p.edge]!);
  return { geometry: { type: 'LineString', coordinates }, edgeIds, durationS, distanceM, steps, from: start, to: end };
}

/** Turn angle (positive = right) → language-neutral maneuver code. */
export function maneuverFor(angle: number): Maneuver {
  const a = Math.abs(angle);
  if (a < 20) return 'straight';
  if (a >= 170) return 'u_turn';
  const side = angle > 0 ? 'right' : 'left';
  if (a < 50) return `slight_${side}`;
  if (a < 125) return side;
  return `sharp_${side}`;
}

/** The positions of edge e from fraction a to fraction b (reversed when a > b), cut at both fractions. */
export function sliceEdge(graph: RoadGraph, e: number, a: number, b: number): LonLat[] {
  const first = graph.pointOffset[e]!;
  const last = graph.pointOffset[e + 1]! - 1;
  const total = graph.pointDistM[last]!;
  const lo = Math.min(a, b) * total;
  const hi = Math.max(a, b) * total;
  const out: LonLat[] = [pointAt(graph, first, last, lo)];
  for (let q = first; q <= last; q++) {
    const d = graph.pointDistM[q]!;
    if (d > lo && d < hi) out.push([graph.pointLon[q]!, graph.pointLat[q]!]);
  }
  out.push(pointAt(graph, first, last, hi));
  if (a > b) out.reverse();
  return out;
}

function pointAt(graph: RoadGraph, first: number, last: number, along: number): LonLat {
  if (along <= 0) return [graph.pointLon[first]!, graph.pointLat[first]!];
  for (let q = first; q < last; q++) {
    const d0 = graph.pointDistM[q]!;
    const d1 = graph.pointDistM[q + 1]!;
    if (along <= d1) {
      const t = d1 > d0 ? (along - d0) / (d1 - d0) : 0;
      return [graph.pointLon[q]! + t * (graph.pointLon[q + 1]! - graph.pointLon[q]!), graph.pointLat[q]! + t * (graph.pointLat[q + 1]! - graph.pointLat[q]!)];
    }
  }
  return [graph.pointLon[last]!, graph.pointLat[last]!];
}

/** Bearing over the first ~15 m, so that a tiny kink at a junction does not decide the maneuver. */
function startBearing(coords: LonLat[]): number {
  const a = coords[0]!;
  let along = 0;
  for (let i = 1; i < coords.length; i++) {
    along += segmentLengthM(coords[i - 1]![0], coords[i - 1]![1], coords[i]![0], coords[i]![1]);
    if (along >= 15 || i === coords.length - 1) return bearingDeg(a[0], a[1], coords[i]![0], coords[i]![1]);
  }
  return 0;
}

function endBearing(coords: LonLat[]): number {
  const b = coords[coords.length - 1]!;
  let along = 0;
  for (let i = coords.length - 2; i >= 0; i--) {
    along += segmentLengthM(coords[i]![0], coords[i]![1], coords[i + 1]![0], coords[i + 1]![1]);
    if (along >= 15 || i === 0) return bearingDeg(coords[i]![0], coords[i]![1], b[0], b[1]);
  }
  return 0;
}

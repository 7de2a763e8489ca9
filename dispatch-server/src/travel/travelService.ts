import { type RouteDto, UnreachableReason } from '@dispatch/protocol';

export type LonLat = [number, number];

export type TravelResult =
  /** fallbackExtraM: the position's own road is cut off from the main network; it was placed this much farther, on the main network. */
  | { id: string; etaSeconds: number; distanceM: number; snapDistanceM: number; fallbackExtraM?: number }
  | { id: string; unreachable: 'too_far_from_road' | 'no_path' | 'beyond_time_limit' };

/**
 * Road travel times for the dispatch decisions, over the in-memory copy of the active road network.
 * Everything here is one graph search per call, whatever the number of vehicles or hospitals. A point whose
 * nearest road is cut off from the main network (largest strongly connected component) is placed on the main
 * network instead, so no call or vehicle is left out because of the data; the extra metres are reported.
 */
export interface TravelService {
  /** Name of the road region searched, or null when no region is imported. */
  regionName(): string | null;
  /** Many-to-one: from every source to the target (reversed-graph search). */
  toTarget(
    target: LonLat,
    sources: { id: string; lonLat: LonLat }[],
    maxSeconds: number,
  ): Promise<{ targetSnapDistanceM: number; targetFallbackExtraM?: number; results: TravelResult[] }>;
  /**
   * toTarget for a whole fleet without an object per vehicle: source i's seconds, metres, reason (FLEET_REACHABLE or
   * 1 + its index in FLEET_UNREACHABLE) and fallback metres (NaN: none) written at index i of `out` (the caller's
   * buffers, at least sources.count long). The same search and arithmetic as toTarget: the same ETAs.
   */
  etasToTarget(
    target: LonLat,
    sources: FleetSources,
    maxSeconds: number,
    out: FleetEtas,
  ): Promise<{ targetSnapDistanceM: number; targetFallbackExtraM?: number; sweptVertices?: number; centresSearched?: number }>;
  /** One-to-many: from the source to every target (forward search). */
  fromSource(
    source: LonLat,
    targets: { id: string; lonLat: LonLat }[],
    maxSeconds: number,
  ): Promise<{ sourceSnapDistanceM: number; sourceFallbackExtraM?: number; results: TravelResult[] }>;
  /** The route with geometry and turn-by-turn steps, for the crew tablet and the console. */
  route(from: LonLat, to: LonLat): Promise<RouteDto>;
  /** Metres to the nearest drivable road within `withinM`, null when none is that near; NoRoadNetworkError without a network. */
  distanceToRoadM(point: LonLat, withinM: number): Promise<number | null>;
}

/** A fleet as columns: source i is ids[i] at (lon[i], lat[i]); ids are the keys its snaps are cached by. */
export interface FleetSources {
  count: number;
  ids: readonly string[];
  lon: Float64Array;
  lat: Float64Array;
  /**
   * The sources by dispatch centre (each centre's contiguous): every answer of the own centre's is given; of the
   * others' only the `nearest` nearest are sure to be (the rest may be reported beyond_time_limit unsearched).
   * Absent: every answer of every source.
   */
  groups?: { own: SourceGroup; others: readonly SourceGroup[]; nearest: number };
}

/** Sources start .. end-1 of a fleet, one centre's (`key`: the search keeps its state per centre under it). */
export interface SourceGroup {
  key: string;
  start: number;
  end: number;
}

export interface FleetEtas {
  seconds: Float64Array;
  metres: Float64Array;
  reason: Uint8Array;
  fallbackExtraM: Float64Array;
}

export const FLEET_REACHABLE = 0;
/** The reasons a fleet's source is not reachable, by code - 1 (the geo search's order). */
export const FLEET_UNREACHABLE = UnreachableReason.options;

export const isReachable = (r: TravelResult): r is Extract<TravelResult, { etaSeconds: number }> => 'etaSeconds' in r;

import type { RouteDto } from '@dispatch/protocol';

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

export const isReachable = (r: TravelResult): r is Extract<TravelResult, { etaSeconds: number }> => 'etaSeconds' in r;

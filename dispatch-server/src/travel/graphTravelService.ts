import type { RouteDto } from '@dispatch/protocol';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { rankFromSource } from '@dispatch/geo/routing/rankFromSource';
import { rankToTarget } from '@dispatch/geo/routing/rankToTarget';
import { route } from '@dispatch/geo/routing/route';
import type { TravelResult, TravelService } from './travelService';

/**
 * Travel times over the in-memory road graph of the configured region (or the most recently imported one),
 * reloaded by the registry when the region is re-imported.
 */
export function graphTravelService(registry: GraphRegistry, region?: string): TravelService {
  let lastRegion: string | null = region ?? null;
  const graph = async () => {
    const g = await registry.get(region);
    lastRegion = g.region;
    return g;
  };
  return {
    regionName: () => lastRegion,
    async toTarget(target, sources, maxSeconds) {
      const ranking = rankToTarget(await graph(), target, sources, { maxSeconds });
      return { targetSnapDistanceM: ranking.target.snapDistanceM, results: ranking.results as TravelResult[] };
    },
    async fromSource(source, targets, maxSeconds) {
      const ranking = rankFromSource(await graph(), source, targets, { maxSeconds });
      return { sourceSnapDistanceM: ranking.source.snapDistanceM, results: ranking.results as TravelResult[] };
    },
    async route(from, to): Promise<RouteDto> {
      const r = route(await graph(), from, to);
      return {
        geometry: { type: 'LineString', coordinates: r.geometry.coordinates },
        durationS: r.durationS,
        distanceM: r.distanceM,
        steps: r.steps.map((s) => ({ maneuver: s.maneuver, streetName: s.streetName, distanceM: s.distanceM, durationS: s.durationS, location: s.location })),
      };
    },
  };
}

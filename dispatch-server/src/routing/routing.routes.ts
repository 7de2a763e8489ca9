import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { NoRoadNetworkError } from '@dispatch/geo/routing/roadGraph';
import { NoPathError, route, type Route } from '@dispatch/geo/routing/route';
import { TooFarFromRoadError } from '@dispatch/geo/routing/snap';
import { HttpError } from '../http/errors';
import type { Handlers } from '../http/mountRoutes';
import type { RoadRouteDto } from '@dispatch/protocol';

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The route as the console and the crew tablet get it: maneuver codes are language-neutral. */
function presentRoute(r: Route, region: string): RoadRouteDto {
  return {
    region,
    geometry: r.geometry,
    durationS: round(r.durationS, 1),
    distanceM: round(r.distanceM, 1),
    steps: r.steps.map((s) => ({
      maneuver: s.maneuver,
      streetName: s.streetName,
      distanceM: round(s.distanceM, 1),
      durationS: round(s.durationS, 1),
      location: s.location,
      bearingBefore: Math.round(s.bearingBefore),
      bearingAfter: Math.round(s.bearingAfter),
    })),
    snap: {
      from: { lonLat: r.from.snappedLonLat, distanceM: round(r.from.snapDistanceM, 1) },
      to: { lonLat: r.to.snappedLonLat, distanceM: round(r.to.snapDistanceM, 1) },
    },
  };
}

/**
 * `GET /api/route?from=LON,LAT&to=LON,LAT[&region=NAME]`: the fastest road route with turn-by-turn steps. 404 when
 * there is no such road region, 422 when a point is too far from any road or no drivable path joins the two.
 */
export const routingHandlers = (graphs: GraphRegistry, defaultRegion?: string): Handlers<'route'> => ({
  route: async ({ query }) => {
    let graph;
    try {
      graph = await graphs.get(query.region ?? defaultRegion);
    } catch (error) {
      if (error instanceof NoRoadNetworkError) throw new HttpError(404, error.message);
      throw error;
    }
    try {
      return presentRoute(route(graph, query.from, query.to), graph.region);
    } catch (error) {
      if (error instanceof TooFarFromRoadError) {
        throw new HttpError(422, error.message, { reason: 'too_far_from_road', distanceM: error.distanceM, maxDistanceM: error.maxDistanceM });
      }
      if (error instanceof NoPathError) throw new HttpError(422, error.message, { reason: 'no_path' });
      throw error;
    }
  },
});

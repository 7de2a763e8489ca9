import type { RouteStepDto } from '@dispatch/protocol';
import { MeasuredLine, distanceM, type LonLat } from '../simulator/geometry';

export interface NavRoute {
  geometry: { coordinates: [number, number][] };
  durationS: number;
  distanceM: number;
  steps: RouteStepDto[];
}

export interface PreparedRoute {
  route: NavRoute;
  line: MeasuredLine;
  /** Distance along the line of each step's location. */
  stepAlong: number[];
}

/** Index of the line vertex nearest to `p`, searching from `from` on (steps come in route order). */
function nearestVertex(line: MeasuredLine, p: LonLat, from = 0): number {
  let best = from;
  let bestD = Infinity;
  for (let i = from; i < line.coordinates.length; i++) {
    const d = distanceM(line.coordinates[i]!, p);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

export function prepareRoute(route: NavRoute): PreparedRoute | null {
  if (route.geometry.coordinates.length < 2) return null;
  const line = new MeasuredLine(route.geometry.coordinates as LonLat[]);
  let from = 0;
  const stepAlong = route.steps.map((s) => {
    from = nearestVertex(line, s.location as LonLat, from);
    return line.cumulative[from]!;
  });
  return { route, line, stepAlong };
}

export interface NavProgress {
  /** The next maneuver ahead of the vehicle. */
  nextIndex: number;
  toNextM: number;
  remainingM: number;
  remainingS: number;
}

/** Where the vehicle is on the route (nearest vertex; the start when there is no fix) and what comes next. */
export function progressOn(prepared: PreparedRoute, position: LonLat | null): NavProgress {
  const { line, route, stepAlong } = prepared;
  const along = position ? line.cumulative[nearestVertex(line, position)]! : 0;
  let nextIndex = stepAlong.findIndex((a, i) => i > 0 && a > along + 5);
  if (nextIndex === -1) nextIndex = route.steps.length - 1;
  const remainingM = Math.max(0, line.lengthM - along);
  const share = line.lengthM > 0 ? remainingM / line.lengthM : 0;
  return { nextIndex, toNextM: Math.max(0, (stepAlong[nextIndex] ?? line.lengthM) - along), remainingM, remainingS: route.durationS * share };
}

import type { LonLat } from '../routing/geometry';
import { DEFAULT_MAX_SNAP_M, trySnapToRoad } from '../routing/snap';
import { reachedIntervals, timeAt, type DriveTimes } from './driveTimes';

export interface RoadCoverage {
  minutes: number;
  /** Share of the network's road length within the time of the nearest facility, 0..1. */
  share: number;
  coveredKm: number;
  totalKm: number;
}

/** How much of the road network lies within `minutes` of the nearest facility; partial edges count pro rata. */
export function roadCoverage(d: DriveTimes, minutes: number): RoadCoverage {
  const g = d.graph;
  let total = 0;
  for (let e = 0; e < g.edgeCount; e++) total += g.edgeLength[e]!;
  let covered = 0;
  for (const [e, intervals] of reachedIntervals(d, minutes * 60)) {
    for (const [a, b] of intervals) covered += (b - a) * g.edgeLength[e]!;
  }
  return { minutes, share: total > 0 ? covered / total : 0, coveredKm: covered / 1000, totalKm: total / 1000 };
}

export interface DemandPoint {
  id: string;
  lonLat: LonLat;
  /** People, calls... Default 1. */
  weight?: number;
}

export interface DemandCoverage {
  minutes: number;
  /** Weighted share of the demand points within the time of the nearest facility, 0..1. */
  share: number;
  points: Array<{ id: string; seconds: number | null; facilityId: string | null; reason?: 'too_far_from_road' | 'not_reached' }>;
}

/** Which demand points (villages) a facility reaches within `minutes`, and the weighted share of them. */
export function demandCoverage(d: DriveTimes, points: readonly DemandPoint[], minutes: number, maxSnapM = DEFAULT_MAX_SNAP_M): DemandCoverage {
  let total = 0;
  let covered = 0;
  const out: DemandCoverage['points'] = [];
  for (const point of points) {
    const weight = point.weight ?? 1;
    if (!(weight >= 0)) throw new RangeError(`demand point ${point.id}: weight must be a number >= 0, got ${point.weight}`);
    total += weight;
    const snap = trySnapToRoad(d.graph, point.lonLat, maxSnapM);
    if (!snap) {
      out.push({ id: point.id, seconds: null, facilityId: null, reason: 'too_far_from_road' });
      continue;
    }
    const { seconds, facility } = timeAt(d, snap.edgeIndex, snap.fraction);
    if (facility < 0) {
      out.push({ id: point.id, seconds: null, facilityId: null, reason: 'not_reached' });
      continue;
    }
    if (seconds <= minutes * 60) covered += weight;
    out.push({ id: point.id, seconds, facilityId: d.facilities[facility]!.id });
  }
  return { minutes, share: total > 0 ? covered / total : 0, points: out };
}

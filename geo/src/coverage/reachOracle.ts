import { driveTimesFrom, timeAt } from './driveTimes';
import type { LonLat } from '../routing/geometry';
import type { RoadGraph } from '../routing/roadGraph';
import type { RoadSnap } from '../routing/snap';

/**
 * TEST ORACLE, not for the server: which demand points one place reaches within `seconds` and its drive time to
 * each of `targets`, computed the plainest way (one bounded forward search in one piece, driveTimesFrom, then
 * timeAt per point). The server's move-up computes the same in slices (slicedReach.ts, reachFromSliced) and from a
 * table built once per graph (moveUpTable.ts); their tests compare them with this. Demand points already snapped
 * (null: too far from any road, never reached).
 */
export function reachOracle(
  graph: RoadGraph,
  from: LonLat,
  demandSnaps: readonly (RoadSnap | null)[],
  seconds: number,
  targets: readonly (RoadSnap | null)[] = [],
  searchSeconds = seconds,
): { reach: number[]; secondsTo: number[]; onRoad: boolean } {
  const times = driveTimesFrom(graph, [{ id: 'from', lonLat: from }], { maxSeconds: Math.max(seconds, searchSeconds) });
  const reach: number[] = [];
  demandSnaps.forEach((snap, i) => {
    if (snap && timeAt(times, snap.edgeIndex, snap.fraction).seconds <= seconds) reach.push(i);
  });
  const secondsTo = targets.map((snap) => (snap ? timeAt(times, snap.edgeIndex, snap.fraction).seconds : Infinity));
  return { reach, secondsTo, onRoad: times.snaps[0] !== null };
}

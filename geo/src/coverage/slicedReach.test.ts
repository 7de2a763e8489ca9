import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '../demo/demoCounty';
import type { LonLat } from '../routing/geometry';
import { loadRoadGraph, type RoadGraph } from '../routing/roadGraph';
import { seededRandom } from '../routing/testGraphs';
import { driveTimesFrom, timeAt } from './driveTimes';
import { snapAll } from './moveUp';
import { reachOracle } from './reachOracle';
import { reachFromSliced, reachedWithinSliced, type SliceStats } from './slicedReach';

describe('the live circle computed in slices, on the demo county', () => {
  let database: TestDatabase;
  let graph: RoadGraph;
  const villages = generateDemoCounty().places.map((p) => [p.lon, p.lat] as LonLat);
  const random = seededRandom(1503);
  /** A fleet of n on random vertices, some a little off the road (some too far to snap). */
  const randomFleet = (n: number): LonLat[] =>
    Array.from({ length: n }, () => {
      const v = Math.floor(random() * graph.vertexCount);
      const off = random() < 0.1 ? 0.02 : 0.002;
      return [graph.vertexLon[v]! + (random() - 0.5) * off, graph.vertexLat[v]! + (random() - 0.5) * off];
    });
  /** The one-piece computation the live circle used: one multi-source search, then timeAt per village. */
  const onePiece = (snaps: ReturnType<typeof snapAll>, fleet: LonLat[], seconds: number) => {
    if (fleet.length === 0) return snaps.map(() => false);
    const times = driveTimesFrom(graph, fleet.map((lonLat, i) => ({ id: `v${i}`, lonLat })), { maxSeconds: seconds });
    return snaps.map((s) => s !== null && timeAt(times, s.edgeIndex, s.fraction).seconds <= seconds);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await importDemoCounty(database.db);
    graph = await loadRoadGraph(database.db, DEMO_REGION);
  }, 120_000);
  afterAll(async () => database?.drop());

  it('reaches the same villages as the one-piece search, for random fleets and circle times', async () => {
    const snaps = snapAll(graph, villages);
    let mixed = 0;
    for (let round = 0; round < 25; round++) {
      const fleet = randomFleet(Math.floor(random() * 40));
      const seconds = [60, 300, 900, 1800][round % 4]!;
      const sliced = await reachedWithinSliced(graph, snaps, fleet, seconds, { sliceMs: round % 2 ? 0 : 4 });
      expect(sliced, `round ${round}: ${fleet.length} vehicles, ${seconds} s`).toEqual(onePiece(snaps, fleet, seconds));
      if (sliced.includes(true) && sliced.includes(false)) mixed++;
    }
    // Not a comparison of empty answers: most rounds reach some villages and miss others.
    expect(mixed).toBeGreaterThan(10);
  });

  it('gives the event loop back between slices (other callbacks run while it computes)', async () => {
    const snaps = snapAll(graph, villages);
    const fleet = randomFleet(200);
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const stats: SliceStats = { slices: 0, busyMs: 0, longestSliceMs: 0 };
    const sliced = await reachedWithinSliced(graph, snaps, fleet, 1800, { sliceMs: 0, stats });
    running = false;
    expect(stats.slices).toBeGreaterThan(3);
    // Every slice starts on a turn of its own, and the other immediate ran on each of those turns.
    expect(ticks).toBeGreaterThanOrEqual(stats.slices - 1);
    expect(sliced).toEqual(onePiece(snaps, fleet, 1800));
  });

  it('gives a move-up place the same reach and drive times to the posts as the one-piece search', async () => {
    const snaps = snapAll(graph, villages);
    const posts = snapAll(graph, randomFleet(12));
    for (const from of randomFleet(20)) {
      const sliced = await reachFromSliced(graph, from, snaps, 1800, posts, 2700, { sliceMs: 0 });
      expect(sliced).toEqual(reachOracle(graph, from, snaps, 1800, posts, 2700));
    }
  });

  it('two computations on one graph at once do not share labels', async () => {
    const snaps = snapAll(graph, villages);
    const a = randomFleet(5);
    const b = randomFleet(30);
    const [ra, rb] = await Promise.all([reachedWithinSliced(graph, snaps, a, 900, { sliceMs: 0 }), reachedWithinSliced(graph, snaps, b, 1800, { sliceMs: 0 })]);
    expect(ra).toEqual(onePiece(snaps, a, 900));
    expect(rb).toEqual(onePiece(snaps, b, 1800));
  });
});

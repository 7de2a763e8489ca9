import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { DEMO_REGION, generateDemoCounty, importDemoCounty } from '../demo/demoCounty';
import type { LonLat } from '../routing/geometry';
import { GraphRegistry } from '../routing/graphRegistry';
import { loadRoadGraph, type RoadGraph } from '../routing/roadGraph';
import { at, graphOf, randomGrid, seededRandom, type EdgeSpec } from '../routing/testGraphs';
import { snapAll, suggestMoveUps, suggestMoveUpsSliced, type MoveUpVehicle } from './moveUp';
import { MoveUpTable, MoveUpTables, planMoveUps, type PlanStation, type PlanVehicle } from './moveUpTable';
import { reachOracle } from './reachOracle';
import { reachFromSliced, runSliced } from './slicedReach';

interface Case {
  graph: RoadGraph;
  villages: LonLat[];
  stations: LonLat[];
  seconds: number;
  maxMove: number;
  /** The plan's villages and stations (subsets, as a centre's plan takes), weights, fleet, q. */
  villageSubset: number[];
  stationSubset: number[];
  demand: number[];
  fleet: PlanVehicle[];
  q: number;
}

/** Today's plan through the oracle: one forward search per station and per vehicle, then the greedy. */
function planByOracle(c: Case) {
  const villageSnaps = snapAll(c.graph, c.villageSubset.map((i) => c.villages[i]!));
  const postSnaps = snapAll(c.graph, c.stationSubset.map((i) => c.stations[i]!));
  const posts = c.stationSubset.map((i) => ({ id: `s${i}`, reach: reachOracle(c.graph, c.stations[i]!, villageSnaps, c.seconds).reach }));
  const vehicles: MoveUpVehicle[] = c.fleet.map((v) => {
    const r = reachOracle(c.graph, v.at, villageSnaps, c.seconds, postSnaps, c.maxMove);
    return { id: v.id, reach: r.reach, secondsToPost: r.secondsTo, movable: v.movable && r.onRoad };
  });
  return { posts, vehicles, moves: suggestMoveUps(c.demand, vehicles, posts, { q: c.q, maxMoves: 3, maxMoveSeconds: c.maxMove }) };
}

async function planByTable(c: Case, maxBytes?: number, minError?: number) {
  // With a wide error bound the table's times are also moved by up to 80% of it: the plan must not tell.
  const jitter = minError ? minError * 0.8 : undefined;
  const table = await MoveUpTable.build(c.graph, snapAll(c.graph, c.villages), snapAll(c.graph, c.stations), { seconds: c.seconds, maxMoveSeconds: c.maxMove, maxBytes, minError, jitter, sliceMs: 1 });
  const stations: PlanStation[] = c.stationSubset.map((i) => ({ id: `s${i}`, index: i, at: c.stations[i]! }));
  const plan = await planMoveUps(table, { villages: c.villageSubset, demand: c.demand, stations, vehicles: c.fleet, q: c.q, maxMoves: 3 }, { sliceMs: 1 });
  return { table, ...plan };
}

/** The table's plan is today's: same posts' and vehicles' reaches, same moves to the last bit, post times within its error. */
async function expectSamePlan(c: Case, label: string, maxBytes?: number, minError?: number) {
  const expected = planByOracle(c);
  const got = await planByTable(c, maxBytes, minError);
  expect(got.posts, label).toEqual(expected.posts);
  expect(got.moves, label).toEqual(expected.moves);
  got.vehicles.forEach((v, k) => {
    const want = expected.vehicles[k]!;
    expect([v.id, v.reach, v.movable], `${label}: vehicle ${k}`).toEqual([want.id, want.reach, want.movable]);
    v.secondsToPost.forEach((s, p) => {
      const exact = want.secondsToPost[p]!;
      if (!v.secondsError || exact === Infinity) expect(s, `${label}: vehicle ${k} to post ${p}`).toBe(exact);
      else expect(Math.abs(s - exact), `${label}: vehicle ${k} to post ${p}`).toBeLessThanOrEqual(v.secondsError);
    });
  });
  return { ...got, expected };
}

/** Places on a grid: at vertices, along edges, a little off the road, and some too far to snap. */
function randomPlaces(random: () => number, size: number, n: number): LonLat[] {
  return Array.from({ length: n }, () => {
    const kind = random();
    const x = Math.floor(random() * size);
    const y = Math.floor(random() * size);
    if (kind < 0.3) return at(x, y);
    if (kind < 0.55) return at(x + 0.5, y);
    if (kind < 0.97) return at(x + random() * 0.9, y + random() * 0.9);
    return at(x + 40, y + 40);
  });
}

function randomCase(graph: RoadGraph, size: number, random: () => number, seconds: number, maxMove: number): Case {
  const villages = randomPlaces(random, size, 30 + Math.floor(random() * 30));
  const stations = randomPlaces(random, size, 4 + Math.floor(random() * 6));
  const villageSubset = villages.flatMap((_, i) => (random() < 0.8 ? [i] : []));
  const stationSubset = stations.flatMap((_, i) => (random() < 0.8 || i === 0 ? [i] : []));
  const fleet: PlanVehicle[] = Array.from({ length: 5 + Math.floor(random() * 40) }, (_, v) => ({
    id: `v${v}`,
    // Some stand at a station (a stale position counts at its post), the others anywhere.
    at: random() < 0.3 ? stations[stationSubset[Math.floor(random() * stationSubset.length)]!]! : randomPlaces(random, size, 1)[0]!,
    movable: random() > 0.15,
  }));
  return {
    graph, villages, stations, seconds, maxMove, villageSubset, stationSubset, fleet, q: 0.05 + random() * 0.8,
    demand: villageSubset.map(() => (random() < 0.3 ? 1 : Math.round(random() * 3000))),
  };
}

describe('the move-up table (drive times to the villages and stations once per graph)', () => {
  it('plans as one forward search per vehicle and station does, on random grids', async () => {
    const random = seededRandom(2024);
    let withMoves = 0;
    let fromTable = 0;
    let searched = 0;
    let vehicles = 0;
    for (let round = 0; round < 30; round++) {
      const size = 8 + (round % 5) * 2;
      const graph = graphOf(randomGrid(size, 900 + round));
      const c = randomCase(graph, size, random, 60 + random() * 200, 100 + random() * 300);
      const got = await expectSamePlan(c, `round ${round}`);
      if (got.moves.length > 0) withMoves++;
      fromTable += got.table.stats.tableRows;
      searched += got.table.stats.exactSearches;
      vehicles += c.fleet.length;
    }
    // Not a comparison of empty plans, and the rows came from the table, not from a search per vehicle.
    expect(withMoves).toBeGreaterThan(10);
    expect(fromTable).toBeGreaterThan(vehicles / 2);
    expect(searched).toBeLessThan(vehicles / 5);
  });

  it('gives a place its exact search when its time is at a threshold (whole seconds on a lattice: ties everywhere)', async () => {
    // 10 s links both ways (a few oneway): many villages exactly 40 s away, many moves of equal gain and drive time.
    const size = 9;
    const specs: EdgeSpec[] = [];
    for (let x = 0; x < size; x++)
      for (let y = 0; y < size; y++) {
        if (x + 1 < size) specs.push({ from: [x, y], to: [x + 1, y], cost: 10, reverseCost: (x + y) % 7 === 0 ? -1 : 10 });
        if (y + 1 < size) specs.push({ from: [x, y], to: [x, y + 1], cost: 10, reverseCost: 10 });
      }
    const graph = graphOf(specs);
    const random = seededRandom(77);
    let searched = 0;
    for (let round = 0; round < 12; round++) {
      const c = randomCase(graph, size, random, 40, round % 2 ? 60 : 30);
      // On the lattice only: whole-grid places, so times are whole seconds.
      const snapToGrid = ([lon, lat]: LonLat): LonLat => [Math.round(lon * 2000) / 2000, Math.round(lat * 2000) / 2000];
      c.villages = c.villages.map(snapToGrid);
      c.stations = c.stations.map(snapToGrid);
      c.fleet = c.fleet.map((v) => ({ ...v, at: snapToGrid(v.at) }));
      c.demand = c.demand.map(() => 1);
      const got = await expectSamePlan(c, `lattice round ${round}`);
      searched += got.table.stats.exactSearches;
    }
    expect(searched).toBeGreaterThan(0);
  });

  it('plans again with exact times when a tie of gains was decided on times within the error (vehicles a few metres apart)', async () => {
    const random = seededRandom(4711);
    let replans = 0;
    for (let round = 0; round < 20; round++) {
      const graph = graphOf(randomGrid(10, 300 + round));
      const c = randomCase(graph, 10, random, 120 + random() * 100, 300);
      // Each vehicle with a twin about a metre along: the same gains, drive times a fraction of a second apart.
      c.fleet = c.fleet.flatMap((v) => [v, { ...v, id: `${v.id}'`, at: [v.at[0] + 0.00001, v.at[1]] as LonLat }]);
      // A wide error bound (0.5 s, as if the table were coarser, and its times moved within it): such ties are within it.
      const got = await expectSamePlan(c, `twins round ${round}`, undefined, 0.5);
      replans += got.table.stats.replans;
    }
    expect(replans).toBeGreaterThan(0);
  });

  it('without room for the table (maxBytes), searches every place and plans the same', async () => {
    const random = seededRandom(31);
    const graph = graphOf(randomGrid(10, 5));
    const c = randomCase(graph, 10, random, 150, 300);
    const got = await expectSamePlan(c, 'no table', 0);
    expect(got.table.bytes).toBe(0);
    expect(got.table.stats.tableRows).toBe(0);
    expect(got.table.stats.exactSearches).toBeGreaterThan(0);
  });

  it('keeps a bounded number of exact rows, most recently used last', async () => {
    const graph = graphOf(randomGrid(10, 6));
    const random = seededRandom(8);
    const villages = snapAll(graph, randomPlaces(random, 10, 20));
    const table = await MoveUpTable.build(graph, villages, snapAll(graph, randomPlaces(random, 10, 3)), { seconds: 100, maxMoveSeconds: 200, exactRows: 4 });
    const places = randomPlaces(random, 10, 12).filter((p) => snapAll(graph, [p])[0]);
    for (const p of places) await table.exactRow(p, undefined, [0, 1], [0]);
    const searches = table.stats.exactSearches;
    await table.exactRow(places.at(-1)!, undefined, [0, 1], [0]);
    expect(table.stats.exactSearches).toBe(searches);
    await table.exactRow(places[0]!, undefined, [0, 1], [0]);
    expect(table.stats.exactSearches).toBe(searches + 1);
  });
});

describe('the move-up table on the demo county', () => {
  let database: TestDatabase;
  let graph: RoadGraph;
  const county = generateDemoCounty();
  const villages = county.places.map((p) => [p.lon, p.lat] as LonLat);
  const stations = county.stations.map((s) => [s.lon, s.lat] as LonLat);

  beforeAll(async () => {
    database = await createTestDatabase();
    await importDemoCounty(database.db);
    graph = await loadRoadGraph(database.db, DEMO_REGION);
  }, 120_000);
  afterAll(async () => database?.drop());

  it('plans as the server did (a sliced search per station and per vehicle), for random fleets', async () => {
    const random = seededRandom(1515);
    const villageSnaps = snapAll(graph, villages);
    const stationSnaps = snapAll(graph, stations);
    const seconds = 1800;
    const maxMove = 2700;
    const table = await MoveUpTable.build(graph, villageSnaps, stationSnaps, { seconds, maxMoveSeconds: maxMove });
    let withMoves = 0;
    for (let round = 0; round < 10; round++) {
      // A centre's plan: its stations and villages; a fleet on random vertices, some off the road, some at a station.
      const stationSubset = stations.flatMap((_, i) => (round === 0 || random() < 0.6 ? [i] : []));
      const villageSubset = villages.flatMap((_, i) => (round === 0 || random() < 0.7 ? [i] : []));
      const fleet: PlanVehicle[] = Array.from({ length: 5 + Math.floor(random() * 60) }, (_, k) => {
        const v = Math.floor(random() * graph.vertexCount);
        const off = random() < 0.1 ? 0.02 : 0.002;
        const atStation = random() < 0.3;
        return {
          id: `v${k}`,
          at: atStation ? stations[stationSubset[Math.floor(random() * stationSubset.length)]!]! : [graph.vertexLon[v]! + (random() - 0.5) * off, graph.vertexLat[v]! + (random() - 0.5) * off],
          movable: random() > 0.1,
        };
      });
      const demand = villageSubset.map((i) => county.places[i]!.population);
      const q = 0.05 + random() * 0.85;
      // Today's server: liveCoverage.plan's searches (reachFromSliced) and the sliced greedy.
      const subsetSnaps = villageSubset.map((i) => villageSnaps[i]!);
      const postSnaps = stationSubset.map((i) => stationSnaps[i]!);
      const posts = [];
      for (const i of stationSubset) posts.push({ id: `s${i}`, reach: (await reachFromSliced(graph, stations[i]!, subsetSnaps, seconds, [], seconds)).reach });
      const vehicles: MoveUpVehicle[] = [];
      for (const v of fleet) {
        const r = await reachFromSliced(graph, v.at, subsetSnaps, seconds, postSnaps, maxMove);
        vehicles.push({ id: v.id, reach: r.reach, secondsToPost: r.secondsTo, movable: v.movable && r.onRoad });
      }
      const moves = await suggestMoveUpsSliced(demand, vehicles, posts, { q, maxMoves: 3, maxMoveSeconds: maxMove }, (step) => runSliced(step));
      const searches = table.stats.exactSearches;
      const plan = await planMoveUps(table, { villages: villageSubset, demand, stations: stationSubset.map((i) => ({ id: `s${i}`, index: i, at: stations[i]! })), vehicles: fleet, q, maxMoves: 3 });
      expect(plan.posts, `round ${round}`).toEqual(posts);
      expect(plan.moves, `round ${round}`).toEqual(moves);
      expect(plan.vehicles.map((v) => [v.reach, v.movable]), `round ${round}`).toEqual(vehicles.map((v) => [v.reach, v.movable]));
      // At most the chosen moves' vehicles searched (and those too close to a threshold: none expected here).
      expect(table.stats.exactSearches - searches, `round ${round}`).toBeLessThanOrEqual(moves.length + 2);
      if (moves.length > 0) withMoves++;
    }
    expect(withMoves).toBeGreaterThanOrEqual(3);
    expect(table.stats.tableRows).toBeGreaterThan(200);
  }, 120_000);

  it('keeps one table per graph the registry serves: built once, again for other places or a reloaded (re-costed) graph', async () => {
    const registry = new GraphRegistry(database.db, { preprocess: false });
    try {
      const tables = new MoveUpTables();
      let builds = 0;
      const build = (g: RoadGraph) => () => {
        builds++;
        return MoveUpTable.build(g, snapAll(g, villages), snapAll(g, stations), { seconds: 1800, maxMoveSeconds: 2700 });
      };
      const first = await registry.get(DEMO_REGION);
      const table = await tables.get(first, 'places', build(first));
      expect(await tables.get(first, 'places', build(first))).toBe(table);
      expect(builds).toBe(1);
      // The demo county's places and stations as columns, a float32 per vertex each.
      expect(table.bytes).toBe(first.vertexCount * (villages.length + stations.length) * 4);
      // Other places on the same graph: a new table in its place.
      const other = await tables.get(first, 'other places', build(first));
      expect(other).not.toBe(table);
      expect(builds).toBe(2);
      // A re-import or re-costing announces the region: the registry loads a new graph, which gets its own table.
      registry.invalidate(DEMO_REGION);
      const reloaded = await registry.get(DEMO_REGION);
      expect(reloaded).not.toBe(first);
      const fresh = await tables.get(reloaded, 'other places', build(reloaded));
      expect(fresh).not.toBe(other);
      expect(fresh.graph).toBe(reloaded);
      expect(builds).toBe(3);
    } finally {
      await registry.close();
    }
  }, 120_000);
});

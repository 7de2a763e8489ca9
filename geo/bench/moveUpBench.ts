/**
 * Move-up benchmark (npm run bench:moveup [-- --quick]): a discrete-event simulation of a day of calls on a road
 * network (geo/src/coverage/moveUpSimulation.ts, simulated clock), comparing (a) the closest free vehicle by road
 * with a return to its home station, and (b) the same with DMEXCLP (Jagtenberg, Bhulai, van der Mei 2015): the
 * freed vehicle goes to the post with the largest marginal coverage, and after every dispatch one idle vehicle may
 * be moved up. Same calls for both policies (common random numbers), several fixed seeds averaged.
 *
 * Networks: the synthetic demo county (geo/src/demo: its villages, towns and districts as demand weighted by their
 * synthetic populations, as the gazetteer stores them and the server weighs them, its stations and township health centres as posts, its county hospitals as destinations), and the
 * RNV network (Mannheim/Heidelberg, ../shared/roaddata, skipped when absent) with synthetic demand points,
 * posts and hospitals placed on its real roads; then the CPU of one live move-up plan on RNV (moveUpPlanBench.ts). Prints
 * JSON lines naming the machine. RNV map data ©
 * OpenStreetMap contributors, ODbL.
 */
import { cpus, hostname } from 'node:os';
import { ensureBenchDatabase } from './benchDatabase';
import { createPool, migrate } from '@dispatch/db';
import { generateDemoCounty, importDemoCounty, DEMO_REGION } from '../src/demo/demoCounty';
import { seededRandom } from '../src/demo/prng';
import { activeNetworkId, importRoads } from '../src/import/importRoads';
import type { LonLat } from '../src/routing/geometry';
import { roadDataFile } from '../src/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '../src/routing/roadGraph';
import { generateCalls, simNetworkFrom, simulate, type SimNetwork, type SimParams, type SimPolicy } from '../src/coverage/moveUpSimulation';
import { benchMoveUpPlan } from './moveUpPlanBench';

const quick = process.argv.includes('--quick');
const SEEDS = quick ? [1, 2] : [1, 2, 3, 4, 5, 6, 7, 8];
const POLICIES: SimPolicy[] = ['closest-home', 'dmexclp'];
const RNV_REGION = 'bench-rnv';

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, hostname: hostname() };
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'moveup', ...record, machine }));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Synthetic people of a village placed on a network without places (RNV): 300–3,000, log-uniform. */
const villagePopulation = (random: () => number) => Math.round(300 * 10 ** random());

/** The demo county, as `npm start` seeds it: 8 staffed ambulances (4 at the centre, 2 at each substation). */
function demoNetwork(graph: RoadGraph): { network: SimNetwork; setup: Record<string, unknown> } {
  const county = generateDemoCounty();
  const stations = county.stations;
  const standby = county.hospitals.filter((h) => h.kind === 'township');
  const destinations = county.hospitals.filter((h) => h.kind !== 'township' && h.capabilities.includes('emergency'));
  const centre = stations.findIndex((s) => s.kind === 'centre');
  const substations = stations.flatMap((s, i) => (s.kind === 'substation' ? [i] : []));
  const homes = [centre, centre, centre, centre, ...substations.flatMap((i) => [i, i])];
  // Demand by the places' populations, the same the server weighs its live move-up by (the gazetteer's `population`).
  const demand = county.places.map((p) => ({ lonLat: [p.lon, p.lat] as LonLat, weight: p.population }));
  const network = simNetworkFrom(graph, {
    demand,
    posts: [...stations, ...standby].map((s) => [s.lon, s.lat] as LonLat),
    hospitals: destinations.map((h) => [h.lon, h.lat] as LonLat),
    homes,
  });
  return {
    network,
    setup: {
      vehicles: homes.length, posts: stations.length + standby.length, stations: stations.length, standbyPoints: standby.length,
      hospitals: destinations.length, demandPoints: demand.length, population: demand.reduce((a, d) => a + d.weight, 0),
    },
  };
}

/** RNV with synthetic placement on its real roads: 300 demand points, 12 posts on a 4 × 3 grid, 5 hospitals, 14 vehicles. */
function rnvNetwork(graph: RoadGraph): { network: SimNetwork; setup: Record<string, unknown> } {
  const random = seededRandom(57_098);
  const sizes = new Map<number, number>();
  for (const c of graph.vertexComponent) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const main = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const vertices: number[] = [];
  for (let v = 0; v < graph.vertexCount; v++) if (graph.vertexComponent[v] === main) vertices.push(v);
  const lonLat = (v: number): LonLat => [graph.vertexLon[v]!, graph.vertexLat[v]!];
  const nearestVertex = ([lon, lat]: LonLat) =>
    vertices.reduce((best, v) => (Math.hypot(graph.vertexLon[v]! - lon, graph.vertexLat[v]! - lat) < Math.hypot(graph.vertexLon[best]! - lon, graph.vertexLat[best]! - lat) ? v : best), vertices[0]!);
  const [minX, minY, maxX, maxY] = graph.bbox;
  const posts: LonLat[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) posts.push(lonLat(nearestVertex([minX + ((i + 0.5) / 4) * (maxX - minX), minY + ((j + 0.5) / 3) * (maxY - minY)])));
  const hospitals = Array.from({ length: 5 }, () => lonLat(vertices[Math.floor(random() * vertices.length)]!));
  const demand = Array.from({ length: 300 }, () => ({ lonLat: lonLat(vertices[Math.floor(random() * vertices.length)]!), weight: villagePopulation(random) }));
  const homes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 4, 7];
  return {
    network: simNetworkFrom(graph, { demand, posts, hospitals, homes }),
    setup: { vehicles: homes.length, posts: posts.length, hospitals: hospitals.length, demandPoints: demand.length, placement: 'synthetic on real roads' },
  };
}

function compare(name: string, network: SimNetwork, setup: Record<string, unknown>, base: Omit<SimParams, 'seed'>) {
  const byPolicy = new Map<SimPolicy, { calls: number; medianS: number; p90S: number; within: number; moveUps: number; q: number }[]>();
  const started = performance.now();
  for (const seed of SEEDS) {
    const params = { ...base, seed };
    const calls = generateCalls(network, params);
    for (const policy of POLICIES) {
      const r = simulate(network, params, policy, calls);
      byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), { calls: r.calls, medianS: r.medianS, p90S: r.p90S, within: r.withinTargetShare, moveUps: r.moveUps, q: r.q }]);
    }
  }
  const simulatedMs = performance.now() - started;
  const baseline = byPolicy.get('closest-home')!;
  for (const policy of POLICIES) {
    const runs = byPolicy.get(policy)!;
    const medianS = mean(runs.map((r) => r.medianS));
    const p90S = mean(runs.map((r) => r.p90S));
    emit({
      metric: 'moveup', policy, network: name, seeds: SEEDS.length, callsPerDay: base.callsPerDay, calls: runs.reduce((a, r) => a + r.calls, 0),
      medianS: round(medianS), p90S: round(p90S), within30Share: round(mean(runs.map((r) => r.within)), 4),
      moveUpsPerDay: round(mean(runs.map((r) => r.moveUps))), q: round(runs[0]!.q, 3),
      medianVsClosestHome: round((medianS / mean(baseline.map((r) => r.medianS)) - 1) * 100, 1),
      p90VsClosestHome: round((p90S / mean(baseline.map((r) => r.p90S)) - 1) * 100, 1),
      ...setup, simulatedMs: round(simulatedMs),
    });
  }
}


async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: run `eval "$(bash scripts/services.sh env)"` first (or npm start once).');
    process.exitCode = 2;
    return;
  }
  // The benchmark database of bench:geo: road networks for benchmarks stay out of the development database.
  const db = createPool(await ensureBenchDatabase(url), 4);
  try {
    await migrate(db);
    if ((await activeNetworkId(db, DEMO_REGION)) === null) await importDemoCounty(db);
    const demo = demoNetwork(await loadRoadGraph(db, DEMO_REGION));
    compare('jiexiu-demo', demo.network, demo.setup, { callsPerDay: 72 });
    compare('jiexiu-demo', demo.network, demo.setup, { callsPerDay: 120 });

    const file = roadDataFile('rnv.osm.pbf');
    if (!file) {
      emit({ metric: 'moveup', network: 'rnv', skipped: 'the RNV network ../shared/roaddata/rnv.osm.pbf is absent' });
      return;
    }
    if ((await activeNetworkId(db, RNV_REGION)) === null) await importRoads(db, { file, region: RNV_REGION });
    const rnvGraph = await loadRoadGraph(db, RNV_REGION);
    const rnv = rnvNetwork(rnvGraph);
    compare('rnv', rnv.network, rnv.setup, { callsPerDay: 150 });
    // The live server's plan on the same network: CPU per plan by search and from the move-up table (moveUpPlanBench.ts).
    await benchMoveUpPlan(rnvGraph, { quick });
  } finally {
    await db.end();
  }
}

await main();

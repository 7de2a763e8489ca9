/**
 * Province-scale benchmark (npm run bench:province [-- --quick] [-- --tiles 5x4] [-- --vehicles N]): the RNV
 * network tiled 5 × 4 with connecting roads (geo/src/import/provinceNetwork.ts: ~1.14M edges, ~2.0M directed
 * arcs, ~0.88M vertices), generated in the benchmark database from ../shared/roaddata/rnv.osm.pbf, never stored.
 * Measures what a server pays for such a region: graph load (time, RSS and heap growth), contraction hierarchy
 * preprocessing (the server's sliced background build: time, memory), and the search step for 10,000 vehicles,
 * plain against the hierarchy on the same incidents, every ETA checked equal, then the hierarchy's search phase by
 * phase (province_search_phase: upward search, sweep, the rest, hospitals, a moving fleet, a selection started
 * afresh) with the garbage collections meanwhile. The whole recommendation through
 * the real server is dispatchBench's `--network province` (metric recommendation_province). Prints JSON lines,
 * each with the machine and its load. Map data © OpenStreetMap contributors, ODbL.
 */
import { cpus, hostname, loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createPool, migrate } from '@dispatch/db';
import { ensureBenchDatabase } from './benchDatabase';
import { cpuMsSince, RankingComparison } from './rankingComparison';
import { activeNetworkId, importRoads } from '../src/import/importRoads';
import { buildProvinceNetwork } from '../src/import/provinceNetwork';
import { attachHierarchy, buildHierarchy, type ContractionHierarchy } from '../src/routing/contractionHierarchy';
import type { LonLat } from '../src/routing/geometry';
import { rankFromSource } from '../src/routing/rankFromSource';
import { etasToTarget, rankToTarget, type RankSource } from '../src/routing/rankToTarget';
import { roadDataFile } from '../src/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '../src/routing/roadGraph';
import { sliceEdge } from '../src/routing/route';
import { snapToRoad, trySnapToRoad, type RoadSnap } from '../src/routing/snap';
import { seededRandom } from '../src/routing/testGraphs';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, tiles: { type: 'string' }, vehicles: { type: 'string' }, incidents: { type: 'string' } },
});
const quick = args.quick;
// Quick (CI): 2 × 1 tiles and 2,000 vehicles, to check the path end to end in a minute, not to measure the province.
const [COLUMNS, ROWS] = (args.tiles ?? (quick ? '2x1' : '5x4')).split('x').map(Number) as [number, number];
const VEHICLES = Number(args.vehicles ?? (quick ? 2000 : 10_000));
const INCIDENTS = Number(args.incidents ?? (quick ? 20 : 100));
const BASE_REGION = 'bench-rnv';
const REGION = `bench-province-${COLUMNS}x${ROWS}`;

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, hostname: hostname() };
const emit = (record: Record<string, unknown>) =>
  console.log(JSON.stringify({ bench: 'geo-province', ...record, load: loadavg().map((l) => Math.round(l * 100) / 100), machine }));
const MB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { n: sorted.length, p50Ms: round(at(50)), p95Ms: round(at(95)), p99Ms: round(at(99)), maxMs: round(sorted.at(-1)!) };
}

/** Memory now, after a collection when node runs with --expose-gc (the figures are then what stays, not garbage). */
function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers, peakRss: process.resourceUsage().maxRSS * 1024 };
}
const growth = (before: ReturnType<typeof memory>, after: ReturnType<typeof memory>) => ({
  rssMB: MB(after.rss),
  rssGrowthMB: MB(after.rss - before.rss),
  heapGrowthMB: MB(after.heap - before.heap),
  peakRssMB: MB(after.peakRss),
  measuredAfterGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
});

/** Random positions on random edges of the strongly connected main network, up to ~20 m off the road (GPS). */
function randomPositions(graph: RoadGraph, count: number, random: () => number): LonLat[] {
  const out: LonLat[] = [];
  while (out.length < count) {
    const e = Math.floor(random() * graph.edgeCount);
    if (!graph.isMainEdge(e)) continue;
    const [lon, lat] = sliceEdge(graph, e, random(), 1)[0]!;
    out.push([lon + (random() - 0.5) * 0.0004, lat + (random() - 0.5) * 0.0003]);
  }
  return out;
}


async function main() {
  const file = roadDataFile('rnv.osm.pbf');
  if (!file) {
    emit({ skipped: 'the RNV network ../shared/roaddata/rnv.osm.pbf (the province is tiled from it) is absent' });
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: run `eval "$(bash scripts/services.sh env)"` first (or npm start once).');
    process.exitCode = 2;
    return;
  }
  const db = createPool(await ensureBenchDatabase(url), 4);
  try {
    await migrate(db);
    if ((await activeNetworkId(db, BASE_REGION)) === null) emit({ metric: 'import', ...(await importRoads(db, { file, region: BASE_REGION })) });
    // Generated once per benchmark database and tiling; the next run reuses it.
    if ((await activeNetworkId(db, REGION)) === null) {
      emit({ metric: 'province_build', ...(await buildProvinceNetwork(db, { baseRegion: BASE_REGION, region: REGION, columns: COLUMNS, rows: ROWS })) });
    }
    await run(db);
  } finally {
    await db.end();
  }
}

async function run(db: Parameters<typeof loadRoadGraph>[0]) {
  const beforeLoad = memory();
  const loadStart = performance.now();
  const graph = await loadRoadGraph(db, REGION);
  const loadMs = performance.now() - loadStart;
  const afterLoad = memory();
  emit({
    metric: 'province_graph_load',
    region: REGION,
    tiles: `${COLUMNS} x ${ROWS}`,
    edges: graph.edgeCount,
    directedArcs: graph.forward.head.length,
    vertices: graph.vertexCount,
    mainNetworkVertices: graph.mainVertexCount,
    loadMs: Math.round(loadMs),
    typedArrayMB: MB(graph.byteSize()),
    ...growth(beforeLoad, afterLoad),
  });

  // The server's own build: sliced, the event loop turning between slices. The longest gap's CPU time tells a
  // slice that worked long from one the machine's other processes delayed; garbage collections are counted apart.
  let longestGapMs = 0;
  let longestGapCpuMs = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    longestGapCpuMs = Math.max(longestGapCpuMs, cpuMsSince(lastCpu));
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  const buildGc = { count: 0, totalMs: 0, maxMs: 0 };
  const buildGcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      buildGc.count++;
      buildGc.totalMs += entry.duration;
      buildGc.maxMs = Math.max(buildGc.maxMs, entry.duration);
    }
  });
  buildGcObserver.observe({ entryTypes: ['gc'] });
  const hierarchy = await buildHierarchy(graph);
  // The last stretch (the hierarchy's arrays put together) ends with no tick after it.
  longestGapMs = Math.max(longestGapMs, performance.now() - last);
  clearInterval(ticker);
  await new Promise((resolve) => setImmediate(resolve));
  buildGcObserver.disconnect();
  const afterBuild = memory();
  emit({
    metric: 'province_ch_preprocess',
    ...hierarchy.stats,
    preprocessMs: Math.round(hierarchy.stats.preprocessMs),
    busyMs: Math.round(hierarchy.stats.busyMs),
    longestEventLoopGapMs: Math.round(longestGapMs * 10) / 10,
    longestEventLoopGapCpuMs: Math.round(longestGapCpuMs * 10) / 10,
    gcDuringBuild: { count: buildGc.count, totalMs: Math.round(buildGc.totalMs), maxMs: Math.round(buildGc.maxMs * 10) / 10 },
    hierarchyMB: MB(hierarchy.byteSize()),
    ...growth(afterLoad, afterBuild),
  });
  attachHierarchy(hierarchy);

  const random = seededRandom(120_2026);
  const snapStart = performance.now();
  const vehicles: RankSource[] = randomPositions(graph, VEHICLES, random).map((lonLat, i) => ({ id: `v${i}`, lonLat, snap: trySnapToRoad(graph, lonLat) }));
  emit({ metric: 'province_snap_vehicles', vehicles: VEHICLES, perVehicleUs: Math.round(((performance.now() - snapStart) / VEHICLES) * 1000 * 1000) / 1000 });
  const incidents = randomPositions(graph, INCIDENTS, random);

  for (const incident of incidents.slice(0, 3)) {
    rankToTarget(graph, incident, vehicles, { method: 'plain' });
    rankToTarget(graph, incident, vehicles);
  }
  const compared = new RankingComparison();
  for (const incident of incidents) compared.rank(graph, incident, vehicles);
  const mismatches = compared.mismatches.length;
  const common = { region: REGION, edges: graph.edgeCount, vehicles: VEHICLES, incidents: INCIDENTS };
  emit({ metric: 'province_search', method: 'plain: Dijkstra on the reversed graph, stopped when every vehicle edge end is settled (baseline)', ...common, ...percentiles(compared.plainMs), cpu: percentiles(compared.plainCpuMs) });
  emit({
    metric: 'province_search',
    method: 'ch-rphast: contraction hierarchy, upward search + sweep restricted to the vehicles\' upward closure',
    ...common,
    ...percentiles(compared.chMs),
    cpu: percentiles(compared.chCpuMs),
    meanUpwardSettled: Math.round(compared.upwardSettled / INCIDENTS),
    sweptVertices: hierarchy.selectedVertices('toTarget'),
    graphVertices: graph.vertexCount,
  });
  emit({ metric: 'province_ch_agreement', etasChecked: compared.checked, mismatches, tolerance: '1e-9 relative (float summation order)' });
  if (mismatches) process.exitCode = 1;
  searchPhases(graph, hierarchy, vehicles, incidents, random);
}

/**
 * Where the hierarchy's search spends its time at this scale, phase by phase (the calls etasToTarget makes, timed
 * one by one on the same incidents), then what vehicles moving between rankings and a selection started afresh
 * cost. Wall and CPU milliseconds (the machine is shared), and the garbage collections seen meanwhile.
 */
function searchPhases(graph: RoadGraph, ch: ContractionHierarchy, vehicles: RankSource[], incidents: LonLat[], random: () => number) {
  const count = vehicles.length;
  const snaps = vehicles.map((v) => v.snap ?? null);
  const out = { seconds: new Float64Array(count), metres: new Float64Array(count), reason: new Uint8Array(count) };
  const hospitals = randomPositions(graph, 200, random).map((lonLat, i) => ({ id: `h${i}`, lonLat, snap: trySnapToRoad(graph, lonLat) }));
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const timed = (phase: string, fn: () => void) => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    (wall[phase] ??= []).push(performance.now() - start);
    (cpu[phase] ??= []).push(cpuMsSince(cpuStart));
  };
  let gcMs = 0;
  let gcs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcs++;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  for (const incident of incidents) {
    let target: RoadSnap | null = null;
    timed('target snap', () => (target = snapToRoad(graph, incident)));
    const { edgeIndex: te } = target!;
    timed('etasToTarget, fleet standing (all below)', () => etasToTarget(graph, target!, snaps, count, out));
    // The same upward search alone, then with the sweep of the sub-hierarchy (seeds at 1 s: only the time matters).
    timed('upward search from the target', () => ch.upwardOnly('toTarget', graph.edgeSource[te]!, 1, graph.edgeTarget[te]!, 1));
    timed('upward search + restricted sweep', () => ch.toTarget(graph.edgeSource[te]!, 1, 0, graph.edgeTarget[te]!, 1, 0, true));
    timed('hospitals: rankFromSource to 200', () => rankFromSource(graph, incident, hospitals));
  }
  const sweptStanding = ch.selectedVertices('toTarget');
  // 200 vehicles to new places before each ranking: their snaps, then the ranking (the selection grows).
  for (const incident of incidents) {
    const target = snapToRoad(graph, incident);
    timed('moving: 200 vehicles re-snapped', () => {
      for (let k = 0; k < 200; k++) snaps[Math.floor(random() * count)] = trySnapToRoad(graph, randomPositions(graph, 1, random)[0]!);
    });
    timed('moving: etasToTarget, 200 moved', () => etasToTarget(graph, target, snaps, count, out));
  }
  const sweptMoving = ch.selectedVertices('toTarget');
  // A selection started afresh (it happens once a moving fleet has doubled it): re-selection and sub-hierarchy rebuild.
  const growth = ch.selectionGrowth;
  ch.selectionGrowth = { factor: 0, slack: 0 };
  for (const incident of incidents.slice(0, 20)) {
    const target = snapToRoad(graph, incident);
    timed('restart: etasToTarget, selection started afresh', () => etasToTarget(graph, target, snaps, count, out));
  }
  ch.selectionGrowth = growth;
  gcObserver.disconnect();
  const phases = Object.keys(wall).map((phase) => ({ phase, wall: percentiles(wall[phase]!), cpuP50Ms: percentiles(cpu[phase]!).p50Ms, cpuP95Ms: percentiles(cpu[phase]!).p95Ms }));
  for (const p of phases) emit({ metric: 'province_search_phase', vehicles: count, ...p });
  emit({ metric: 'province_search_phases_summary', vehicles: count, sweptStanding, sweptMoving, garbageCollections: gcs, gcMs: Math.round(gcMs * 10) / 10 });
}

await main();

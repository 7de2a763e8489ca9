/**
 * Ranking benchmark (npm run bench:geo [-- --quick]): 1,000 vehicles to one incident on the RNV network
 * (Mannheim/Heidelberg, ~57k edges), the project's method (snap + one bounded Dijkstra on the reversed
 * in-memory graph + lookups) beside pgRouting baselines measured in the same run. Prints JSON lines, each
 * naming the machine. Map data © OpenStreetMap contributors, ODbL.
 */
import { cpus, hostname, loadavg } from 'node:os';
import type pg from 'pg';
import { ensureBenchDatabase } from './benchDatabase';
import { RankingComparison, sameEta } from './rankingComparison';
import { createPool, migrate } from '@dispatch/db';
import { activeNetworkId, importRoads } from '../src/import/importRoads';
import type { LonLat } from '../src/routing/geometry';
import { pgrDijkstraCostToTarget, pgrDrivingDistanceToTarget } from '../src/routing/pgrReference';
import { attachHierarchy, buildHierarchy, type ContractionHierarchy } from '../src/routing/contractionHierarchy';
import { secondsAlong, secondsFromSource, secondsFromTarget, secondsToSource, secondsToTarget } from '../src/routing/edgeParts';
import { isReachable, rankToTarget, type RankSource } from '../src/routing/rankToTarget';
import { roadDataFile } from '../src/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '../src/routing/roadGraph';
import { sliceEdge } from '../src/routing/route';
import { trySnapToRoad, type RoadSnap } from '../src/routing/snap';
import { seededRandom, vertexSnap } from '../src/routing/testGraphs';

const REGION = 'bench-rnv';
const VEHICLES = 1000;
const INCIDENTS = 100;
const quick = process.argv.includes('--quick');
const NAIVE_VEHICLES = quick ? 50 : VEHICLES;

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, hostname: hostname() };
// The load average beside every figure: the machine is shared, and a figure means little without it.
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'geo-ranking', ...record, load: loadavg().map((x) => Math.round(x * 100) / 100), machine }));

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const meanMs = round(sorted.reduce((a, b) => a + b, 0) / sorted.length);
  return { n: sorted.length, p50Ms: round(at(50)), p95Ms: round(at(95)), p99Ms: round(at(99)), meanMs, maxMs: round(sorted[sorted.length - 1]!) };
}

/** A random position on a random edge of the largest component, moved up to ~20 m off the road (GPS). */
function randomPositions(graph: RoadGraph, count: number, random: () => number): LonLat[] {
  const sizes = new Map<number, number>();
  for (const c of graph.vertexComponent) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const main = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const out: LonLat[] = [];
  while (out.length < count) {
    const e = Math.floor(random() * graph.edgeCount);
    if (graph.vertexComponent[graph.edgeSource[e]!] !== main) continue;
    const [lon, lat] = sliceEdge(graph, e, random(), 1)[0]!;
    out.push([lon + (random() - 0.5) * 0.0004, lat + (random() - 0.5) * 0.0003]);
  }
  return out;
}

async function main() {
  const file = roadDataFile('rnv.osm.pbf');
  if (!file) {
    emit({ skipped: 'the RNV network ../shared/roaddata/rnv.osm.pbf is absent' });
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: run `eval "$(bash scripts/services.sh env)"` first (or npm start once).');
    process.exitCode = 2;
    return;
  }
  // A database of its own: 57k benchmark edges have no place in the development database.
  const benchUrl = await ensureBenchDatabase(url);
  const db = createPool(benchUrl, 4);
  try {
    await migrate(db).catch((error: Error) => {
      throw new Error(`migrating the benchmark database failed (${error.message}); drop it and run again: DROP DATABASE "${new URL(benchUrl).pathname.slice(1)}"`);
    });
    if ((await activeNetworkId(db, REGION)) === null) {
      const report = await importRoads(db, { file, region: REGION });
      emit({ metric: 'import', ...report });
    }
    await run(db);
  } finally {
    await db.end();
  }
}

const MB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;


/**
 * The search step (rankToTarget, vehicle snaps cached) with the plain search and with the contraction
 * hierarchy, interleaved on the same incidents, every ETA of the hierarchy checked against the plain one;
 * and, for the choice of the many-to-one query, the bucket-based alternative (Knopp et al. 2007).
 */
async function compareWithHierarchy(graph: RoadGraph, vehicles: RankSource[], incidents: LonLat[]) {
  const memoryBefore = process.memoryUsage();
  let turns = 0;
  let longestGapMs = 0;
  let last = performance.now();
  // What a server would see meanwhile: how long the event loop was kept from running (the slices).
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
  }, 1);
  const hierarchy = await buildHierarchy(graph);
  clearInterval(ticker);
  const memoryAfter = process.memoryUsage();
  emit({
    metric: 'ch_preprocess',
    method: 'contraction hierarchy: edge difference + deleted neighbours, lazy updates, witness searches settling <= 60 vertices; built in 8 ms slices',
    vertices: hierarchy.stats.vertices,
    originalArcs: hierarchy.stats.originalArcs,
    shortcuts: hierarchy.stats.shortcuts,
    upwardArcs: hierarchy.stats.upwardArcs,
    preprocessMs: Math.round(hierarchy.stats.preprocessMs),
    busyMs: Math.round(hierarchy.stats.busyMs),
    slices: hierarchy.stats.slices,
    eventLoopTurnsMeanwhile: turns,
    longestEventLoopGapMs: Math.round(longestGapMs * 10) / 10,
    hierarchyMB: MB(hierarchy.byteSize()),
    graphMB: MB(graph.byteSize()),
    heapGrowthMB: MB(memoryAfter.heapUsed + memoryAfter.arrayBuffers - memoryBefore.heapUsed - memoryBefore.arrayBuffers),
  });
  attachHierarchy(hierarchy);

  for (const incident of incidents.slice(0, 10)) {
    rankToTarget(graph, incident, vehicles, { method: 'plain' });
    rankToTarget(graph, incident, vehicles);
  }
  const compared = new RankingComparison();
  for (const incident of incidents) compared.rank(graph, incident, vehicles);
  const { plainMs, chMs, mismatches } = compared;
  const common = { vehicles: VEHICLES, incidents: INCIDENTS, target: 'p95 <= 1 ms' };
  emit({ metric: 'recommendation_search', method: 'plain: Dijkstra on the reversed graph, stopped when every vehicle edge end is settled', ...common, ...percentiles(plainMs), cpu: percentiles(compared.plainCpuMs) });
  emit({
    metric: 'recommendation_search',
    method: 'ch-rphast: contraction hierarchy, upward search from the incident + PHAST downward sweep restricted to the upward closure of the vehicles\' edge ends (RPHAST)',
    ...common,
    ...percentiles(chMs),
    cpu: percentiles(compared.chCpuMs),
    meanUpwardSettled: Math.round(compared.upwardSettled / INCIDENTS),
    sweptVertices: hierarchy.selectedVertices('toTarget'),
    graphVertices: graph.vertexCount,
  });
  emit({
    metric: 'ch_agreement',
    etasChecked: compared.checked,
    maxAbsDiffSeconds: compared.maxDiffSeconds,
    tolerance: '1e-9 relative (float summation order)',
    mismatches: mismatches.length,
    firstMismatches: mismatches.slice(0, 5),
    distanceDiffsOverOneCm: compared.distanceDiffsOverOneCm,
    distanceNote: 'equal-time paths may differ in length: the metres follow whichever of them each search kept',
  });
  if (mismatches.length) process.exitCode = 1;
  movingFleet(graph, hierarchy, vehicles, incidents);
  bucketAlternative(graph, hierarchy, vehicles, incidents);
}

const MOVED_PER_RANKING = 50;

/**
 * What a server sees: vehicles report new positions between calls, so each ranking's fleet differs from the last
 * (here 50 of the 1,000 moved to a random place before each one, their snaps redone as the server's cache does);
 * the hierarchy's sweep takes in the new vehicles' upward closures as it goes. Plain and hierarchy interleaved on
 * the same fleet, every ETA checked equal again.
 */
function movingFleet(graph: RoadGraph, hierarchy: ContractionHierarchy, vehicles: RankSource[], incidents: LonLat[]) {
  const random = seededRandom(120_2026);
  const fleet = [...vehicles];
  const moved = randomPositions(graph, MOVED_PER_RANKING * incidents.length, random);
  const compared = new RankingComparison();
  incidents.forEach((incident, round) => {
    for (let k = 0; k < MOVED_PER_RANKING; k++) {
      const i = Math.floor(random() * fleet.length);
      const lonLat = moved[round * MOVED_PER_RANKING + k]!;
      fleet[i] = { id: fleet[i]!.id, lonLat, snap: trySnapToRoad(graph, lonLat) };
    }
    compared.rank(graph, incident, fleet);
  });
  emit({
    metric: 'recommendation_search_moving',
    method: `ch-rphast with ${MOVED_PER_RANKING} of the ${VEHICLES} vehicles moved before each ranking (the sweep's selection grows by their upward closures, started afresh past twice what is needed)`,
    vehicles: VEHICLES,
    incidents: INCIDENTS,
    ...percentiles(compared.chMs),
    cpu: percentiles(compared.chCpuMs),
    plainCpu: percentiles(compared.plainCpuMs),
    sweptVertices: hierarchy.selectedVertices('toTarget'),
    etasChecked: compared.checked,
    mismatches: compared.mismatches.length,
  });
  if (compared.mismatches.length) process.exitCode = 1;
}

/**
 * The bucket-based many-to-one (Knopp et al. 2007): each vehicle's forward upward search space is computed when
 * its snap changes and kept in buckets by vertex; a query is the incident's backward upward search plus a scan
 * of the buckets it settles. Measured here to choose between it and PHAST, not used by the server.
 */
function bucketAlternative(graph: RoadGraph, ch: ContractionHierarchy, vehicles: RankSource[], incidents: LonLat[]) {
  const n = graph.vertexCount;
  const prepareStart = performance.now();
  const entries: { rank: number; vehicle: number; time: number }[] = [];
  vehicles.forEach((v, i) => {
    const snap = v.snap;
    if (!snap) return;
    const e = snap.edgeIndex;
    ch.upwardOnly('fromSource', graph.edgeTarget[e]!, secondsToTarget(graph, e, snap.fraction), graph.edgeSource[e]!, secondsToSource(graph, e, snap.fraction));
    for (let k = 0; k < ch.upwardSettled; k++) {
      const r = ch.settledRanks[k]!;
      entries.push({ rank: r, vehicle: i, time: ch.time[r]! });
    }
  });
  const offsets = new Int32Array(n + 1);
  for (const entry of entries) offsets[entry.rank + 1]!++;
  for (let r = 0; r < n; r++) offsets[r + 1]! += offsets[r]!;
  const bucketVehicle = new Int32Array(entries.length);
  const bucketTime = new Float64Array(entries.length);
  const fill = offsets.slice(0, n);
  for (const entry of entries) {
    const k = fill[entry.rank]!++;
    bucketVehicle[k] = entry.vehicle;
    bucketTime[k] = entry.time;
  }
  const prepareMs = performance.now() - prepareStart;
  const best = new Float64Array(vehicles.length);
  const samples: number[] = [];
  const phastSamples: number[] = [];
  const phastBest = new Float64Array(vehicles.length);
  let scanned = 0;
  let mismatches = 0;
  for (const [round, incident] of [...incidents.slice(0, 10), ...incidents].entries()) {
    const target = trySnapToRoad(graph, incident)!;
    const start = performance.now();
    const te = target.edgeIndex;
    const f = target.fraction;
    ch.upwardOnly('toTarget', graph.edgeSource[te]!, secondsFromSource(graph, te, f), graph.edgeTarget[te]!, secondsFromTarget(graph, te, f));
    best.fill(Infinity);
    for (let k = 0; k < ch.upwardSettled; k++) {
      const r = ch.settledRanks[k]!;
      const t = ch.time[r]!;
      for (let j = offsets[r]!, end = offsets[r + 1]!; j < end; j++) {
        const total = bucketTime[j]! + t;
        if (total < best[bucketVehicle[j]!]!) best[bucketVehicle[j]!] = total;
      }
      if (round >= 10) scanned += offsets[r + 1]! - offsets[r]!;
    }
    vehicles.forEach((v, i) => {
      if (v.snap?.edgeIndex === te) best[i] = Math.min(best[i]!, secondsAlong(graph, te, v.snap.fraction, f));
    });
    const bucketMs = performance.now() - start;
    // The PHAST query on the same footing: the sweep plus each vehicle's two edge-end lookups, no result objects.
    const phastStart = performance.now();
    ch.toTarget(graph.edgeSource[te]!, secondsFromSource(graph, te, f), 0, graph.edgeTarget[te]!, secondsFromTarget(graph, te, f), 0);
    for (let i = 0; i < vehicles.length; i++) {
      const snap = vehicles[i]!.snap;
      if (!snap) continue;
      const e = snap.edgeIndex;
      phastBest[i] = Math.min(secondsToTarget(graph, e, snap.fraction) + ch.timeAt(graph.edgeTarget[e]!), secondsToSource(graph, e, snap.fraction) + ch.timeAt(graph.edgeSource[e]!));
    }
    const phastMs = performance.now() - phastStart;
    if (round < 10) continue;
    samples.push(bucketMs);
    phastSamples.push(phastMs);
    // Same answers as the plain search.
    const plain = rankToTarget(graph, incident, vehicles, { method: 'plain', targetSnap: target });
    for (const r of plain.results) {
      const i = Number(r.id.slice(1));
      if (isReachable(r) ? !sameEta(r.etaSeconds, best[i]!) : best[i]! < Infinity) mismatches++;
    }
  }
  emit({
    metric: 'recommendation_search',
    method: 'ch-buckets (alternative, not used): vehicle upward spaces in buckets, kept per snap; query = backward upward search + bucket scan (times only, no result objects)',
    vehicles: VEHICLES,
    incidents: INCIDENTS,
    ...percentiles(samples),
    prepareAllVehiclesMs: Math.round(prepareMs),
    bucketEntries: entries.length,
    meanEntriesScanned: Math.round(scanned / INCIDENTS),
    bucketMB: MB(bucketVehicle.byteLength + bucketTime.byteLength + offsets.byteLength),
    mismatches,
  });
  emit({
    metric: 'recommendation_search',
    method: 'ch-phast query alone, unrestricted sweep over every vertex, same footing as the buckets (two lookups per vehicle, no result objects)',
    vehicles: VEHICLES,
    incidents: INCIDENTS,
    ...percentiles(phastSamples),
  });
}


async function run(db: pg.Pool) {
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const loadStart = performance.now();
  const graph = await loadRoadGraph(db, REGION);
  const loadMs = performance.now() - loadStart;
  const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  emit({
    metric: 'graph_load',
    region: REGION,
    edges: graph.edgeCount,
    vertices: graph.vertexCount,
    arcs: graph.forward.head.length,
    loadMs: Math.round(loadMs),
    typedArrayMB: Math.round((graph.byteSize() / 2 ** 20) * 10) / 10,
    heapGrowthMB: Math.round(((heapAfter - heapBefore) / 2 ** 20) * 10) / 10,
  });

  const random = seededRandom(120_2025);
  const vehiclePositions = randomPositions(graph, VEHICLES, random);
  const incidents = randomPositions(graph, INCIDENTS, random);

  // Vehicles are snapped when their position arrives, not per incident: the cache a caller keeps.
  const snapStart = performance.now();
  const vehicles: RankSource[] = vehiclePositions.map((lonLat, i) => ({ id: `v${i}`, lonLat, snap: trySnapToRoad(graph, lonLat) }));
  const snapMs = performance.now() - snapStart;
  emit({ metric: 'snap_vehicles', vehicles: VEHICLES, totalMs: Math.round(snapMs * 1000) / 1000, perVehicleUs: Math.round((snapMs / VEHICLES) * 1e6) / 1000 });

  const measure = (label: string, options: { maxSeconds?: number; method?: 'plain' }, cachedSnaps: boolean) => {
    const sources = cachedSnaps ? vehicles : vehicles.map(({ id, lonLat }) => ({ id, lonLat }));
    for (const incident of incidents.slice(0, 10)) rankToTarget(graph, incident, sources, options); // warm-up (JIT)
    const samples: number[] = [];
    let settled = 0;
    let reachable = 0;
    for (const incident of incidents) {
      const start = performance.now();
      const ranking = rankToTarget(graph, incident, sources, options);
      samples.push(performance.now() - start);
      settled += ranking.settledVertices;
      reachable += ranking.results.filter(isReachable).length;
    }
    emit({
      metric: 'rank_1000_vehicles',
      method: label,
      maxSeconds: options.maxSeconds ?? null,
      vehicles: VEHICLES,
      incidents: INCIDENTS,
      ...percentiles(samples),
      meanSettledVertices: Math.round(settled / INCIDENTS),
      meanReachable: Math.round(reachable / INCIDENTS),
      targetP95Ms: 50,
    });
  };
  measure('in-memory CSR Dijkstra, reversed graph, vehicle snaps cached', { method: 'plain' }, true);
  measure('in-memory CSR Dijkstra, reversed graph, vehicle snaps cached', { maxSeconds: 1200, method: 'plain' }, true);
  measure('in-memory CSR Dijkstra, reversed graph, snapping all vehicles per incident', { method: 'plain' }, false);

  await compareWithHierarchy(graph, vehicles, incidents);

  // pgRouting baselines on the same vehicles for one incident, vertex to vertex (pgRouting routes between
  // vertices): each vehicle at the end of its edge it drives towards, the incident at a vertex of its edge.
  const incidentSnap = trySnapToRoad(graph, incidents[0]!)!;
  const targetVertex = graph.edgeSource[incidentSnap.edgeIndex]!;
  const vehicleVertices = vehicles.map((v) => {
    const snap = v.snap as RoadSnap;
    return graph.edgeCost[snap.edgeIndex]! >= 0 ? graph.edgeTarget[snap.edgeIndex]! : graph.edgeSource[snap.edgeIndex]!;
  });
  const mine = rankToTarget(
    graph,
    [graph.vertexLon[targetVertex]!, graph.vertexLat[targetVertex]!],
    vehicleVertices.map((v, i) => ({ id: String(i), lonLat: [0, 0] as LonLat, snap: vertexSnap(graph, v) })),
    { targetSnap: vertexSnap(graph, targetVertex) },
  );
  const myEta = new Map(mine.results.filter(isReachable).map((r) => [Number(r.id), r.etaSeconds]));
  const networkId = graph.networkId;
  const targetId = graph.vertexDbId[targetVertex]!;

  const naive: number[] = [];
  const naiveEta = new Map<number, number>();
  for (let i = 0; i < NAIVE_VEHICLES; i++) {
    const start = performance.now();
    const result = await pgrDijkstraCostToTarget(db, networkId, [graph.vertexDbId[vehicleVertices[i]!]!], targetId);
    naive.push(performance.now() - start);
    const seconds = result.values().next().value;
    if (seconds !== undefined) naiveEta.set(i, seconds);
  }
  const naiveStats = percentiles(naive);
  emit({
    metric: 'rank_1000_vehicles',
    method: 'pgRouting, one pgr_dijkstraCost per vehicle over the whole graph (naive baseline)',
    vehicles: VEHICLES,
    measuredVehicles: NAIVE_VEHICLES,
    perCall: naiveStats,
    totalMs: Math.round(naive.reduce((a, b) => a + b, 0) * (VEHICLES / NAIVE_VEHICLES)),
    extrapolated: NAIVE_VEHICLES < VEHICLES ? `measured ${NAIVE_VEHICLES} calls (--quick), total scaled to ${VEHICLES}` : false,
  });

  const manyStart = performance.now();
  const many = await pgrDijkstraCostToTarget(db, networkId, [...new Set(vehicleVertices.map((v) => graph.vertexDbId[v]!))], targetId);
  const manyMs = performance.now() - manyStart;
  emit({ metric: 'rank_1000_vehicles', method: 'pgRouting, one pgr_dijkstraCost(ARRAY[all vehicles], incident)', vehicles: VEHICLES, totalMs: Math.round(manyMs) });

  const drivingStart = performance.now();
  const driving = await pgrDrivingDistanceToTarget(db, networkId, targetId, 1e9);
  const drivingMs = performance.now() - drivingStart;
  emit({ metric: 'rank_1000_vehicles', method: 'pgRouting, one pgr_drivingDistance from the incident on the reversed graph', vehicles: VEHICLES, totalMs: Math.round(drivingMs), verticesReached: driving.size });

  // Agreement: the in-memory ETAs against every pgRouting answer, vertex to vertex.
  let maxAbsDiff = 0;
  let compared = 0;
  let disagreeReachability = 0;
  vehicleVertices.forEach((v, i) => {
    const dbId = graph.vertexDbId[v]!;
    const references = [dbId === targetId ? 0 : many.get(dbId), dbId === targetId ? 0 : driving.get(dbId), i < NAIVE_VEHICLES ? (dbId === targetId ? 0 : naiveEta.get(i)) : null];
    for (const reference of references) {
      if (reference === null) continue;
      const own = myEta.get(i);
      if ((reference === undefined) !== (own === undefined)) disagreeReachability++;
      else if (reference !== undefined && own !== undefined) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(reference - own));
        compared++;
      }
    }
  });
  emit({ metric: 'agreement_with_pgrouting', comparisons: compared, maxAbsDiffSeconds: maxAbsDiff, reachabilityDisagreements: disagreeReachability });
}

await main();

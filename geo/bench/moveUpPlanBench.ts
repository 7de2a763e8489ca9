/**
 * CPU of one DMEXCLP move-up plan on RNV (npx tsx geo/bench/moveUpPlanBench.ts [-- --quick] [--only search]): the
 * server's plan of a centre (dispatch-server/src/coverage/liveCoverage.ts) for 1,000 free vehicles, 300 villages and
 * 12 stations, computed (a) as before: one sliced forward search per vehicle (reachFromSliced), the stations' reach
 * searched once and kept; (b) from the move-up table (geo/src/coverage/moveUpTable.ts: one backward search per
 * village and station once per graph, then two table rows per vehicle). A and B alternate in one process, each plan's
 * process CPU (user + system) and wall time printed with the machine's load; both plans are checked equal. The
 * table's one-time build (wall, CPU, bytes) is printed too. `--only search` runs (a) alone, for a base tree without
 * the table. Also run at the end of `npm run bench:moveup`. RNV map data © OpenStreetMap contributors, ODbL.
 */
import { cpus, hostname, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ensureBenchDatabase } from './benchDatabase';
import { createPool, migrate } from '@dispatch/db';
import { seededRandom } from '../src/demo/prng';
import { activeNetworkId, importRoads } from '../src/import/importRoads';
import type { LonLat } from '../src/routing/geometry';
import { roadDataFile } from '../src/routing/roadData';
import { loadRoadGraph, type RoadGraph } from '../src/routing/roadGraph';
import { snapAll, suggestMoveUpsSliced, type MoveUp, type MoveUpVehicle } from '../src/coverage/moveUp';
import { reachFromSliced, runSliced, type SliceStats } from '../src/coverage/slicedReach';

const RNV_REGION = 'bench-rnv';
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, hostname: hostname() };
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'moveup', ...record, load: loadavg().map((x) => Math.round(x * 100) / 100), machine }));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Setup {
  villages: LonLat[];
  demand: number[];
  stations: LonLat[];
  fleet: { id: string; at: LonLat; movable: boolean }[];
}

/**
 * 300 villages on the main network's vertices, 12 stations on a 4 × 3 grid, `vehicles` free vehicles (30% at a
 * station); `west`: the vehicles only in the western third (a fleet drawn to one side: moves to make).
 */
function rnvSetup(graph: RoadGraph, vehicles: number, west = false): Setup {
  const random = seededRandom(57_099);
  const vertices: number[] = [];
  for (let v = 0; v < graph.vertexCount; v++) if (graph.vertexInMain[v]) vertices.push(v);
  const lonLat = (v: number): LonLat => [graph.vertexLon[v]!, graph.vertexLat[v]!];
  const anyVertex = () => vertices[Math.floor(random() * vertices.length)]!;
  const westEdge = graph.bbox[0] + (graph.bbox[2] - graph.bbox[0]) / 3;
  const westVertices = vertices.filter((v) => graph.vertexLon[v]! < westEdge);
  const nearest = ([lon, lat]: LonLat) => vertices.reduce((b, v) => (Math.hypot(graph.vertexLon[v]! - lon, graph.vertexLat[v]! - lat) < Math.hypot(graph.vertexLon[b]! - lon, graph.vertexLat[b]! - lat) ? v : b), vertices[0]!);
  const [minX, minY, maxX, maxY] = graph.bbox;
  const stations: LonLat[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) stations.push(lonLat(nearest([minX + ((i + 0.5) / 4) * (maxX - minX), minY + ((j + 0.5) / 3) * (maxY - minY)])));
  const villages = Array.from({ length: 300 }, () => lonLat(anyVertex()));
  const demand = villages.map(() => Math.round(300 * 10 ** random()));
  const westStations = stations.filter(([lon]) => lon < westEdge);
  const fleet = Array.from({ length: vehicles }, (_, k) => {
    // A stale position counts at the vehicle's post; a fresh one is a few metres off its road.
    const homes = west ? westStations : stations;
    if (random() < 0.3) return { id: `v${k}`, at: homes[Math.floor(random() * homes.length)]!, movable: true };
    const [lon, lat] = lonLat(west ? westVertices[Math.floor(random() * westVertices.length)]! : anyVertex());
    return { id: `v${k}`, at: [lon + (random() - 0.5) * 0.0004, lat + (random() - 0.5) * 0.0004] as LonLat, movable: random() > 0.05 };
  });
  return { villages, demand, stations, fleet };
}

const SECONDS = 1800;
const MAX_MOVE = 45 * 60;

/** Before: the stations' reach searched once (kept per graph by the server), then one sliced search per vehicle and the greedy. */
async function planBySearch(graph: RoadGraph, s: Setup, postReach: number[][], stats: SliceStats) {
  const villageSnaps = snapAll(graph, s.villages);
  const postSnaps = snapAll(graph, s.stations);
  const vehicles: MoveUpVehicle[] = [];
  for (const v of s.fleet) {
    const r = await reachFromSliced(graph, v.at, villageSnaps, SECONDS, postSnaps, MAX_MOVE, { stats });
    vehicles.push({ id: v.id, reach: r.reach, secondsToPost: r.secondsTo, movable: v.movable && r.onRoad });
  }
  const posts = s.stations.map((_, i) => ({ id: `s${i}`, reach: postReach[i]! }));
  const moves = await suggestMoveUpsSliced(s.demand, vehicles, posts, { q: 0.4, maxMoves: 3, maxMoveSeconds: MAX_MOVE }, (step) => runSliced(step, { stats }));
  return { vehicles, moves };
}

/** CPU (user + system) and wall ms of f, with the load average at its end. */
async function measured<T>(f: () => Promise<T>): Promise<{ value: T; cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = await f();
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
}

const sameMoves = (a: MoveUp[], b: MoveUp[]) => JSON.stringify(a) === JSON.stringify(b);

export async function benchMoveUpPlan(graph: RoadGraph, options: { quick?: boolean; onlySearch?: boolean } = {}): Promise<void> {
  for (const [vehicles, west] of [[1000, false], [60, true]] as const) await benchScenario(graph, vehicles, west, options);
}

async function benchScenario(graph: RoadGraph, vehicles: number, west: boolean, options: { quick?: boolean; onlySearch?: boolean }): Promise<void> {
  const reps = options.quick ? 1 : 3;
  const s = rnvSetup(graph, vehicles, west);
  const setup = { network: 'rnv', fleet: west ? 'western third' : 'everywhere', edges: graph.edgeCount, vertices: graph.vertexCount, vehicles, villages: s.villages.length, stations: s.stations.length, seconds: SECONDS, maxMoveSeconds: MAX_MOVE };
  const stationsOnce = await measured(async () => {
    const villageSnaps = snapAll(graph, s.villages);
    const reach: number[][] = [];
    for (const at of s.stations) reach.push((await reachFromSliced(graph, at, villageSnaps, SECONDS, [], SECONDS)).reach);
    return reach;
  });
  emit({ metric: 'moveup_plan_stations_once', method: 'search', ...setup, cpuMs: round(stationsOnce.cpuMs), wallMs: round(stationsOnce.wallMs) });
  // How long each held the event loop at most (its slices are meant to be ~4 ms; a busy machine stretches them).
  const newStats = (): SliceStats => ({ slices: 0, busyMs: 0, longestSliceMs: 0 });
  const buildStats = newStats();
  const table = options.onlySearch ? null : await import('../src/coverage/moveUpTable');
  const built = table
    ? await measured(() => table.MoveUpTable.build(graph, snapAll(graph, s.villages), snapAll(graph, s.stations), { seconds: SECONDS, maxMoveSeconds: MAX_MOVE, stats: buildStats }))
    : null;
  if (built) {
    emit({
      metric: 'moveup_plan_table_build', method: 'table', ...setup, cpuMs: round(built.cpuMs), wallMs: round(built.wallMs), busyMs: round(built.value.build.busyMs),
      longestSliceMs: round(buildStats.longestSliceMs), searches: built.value.build.searches, tableBytes: built.value.bytes, tableMiB: round(built.value.bytes / 2 ** 20, 1), errorBoundS: built.value.error,
    });
  }
  for (let rep = 0; rep < reps; rep++) {
    const searchStats = newStats();
    const before = await measured(() => planBySearch(graph, s, stationsOnce.value, searchStats));
    emit({ metric: 'moveup_plan', method: 'search', rep, ...setup, cpuMs: round(before.cpuMs), wallMs: round(before.wallMs), longestSliceMs: round(searchStats.longestSliceMs), moves: before.value.moves.length });
    if (!table || !built) continue;
    const t = built.value;
    const stats = { ...t.stats };
    const planStats = newStats();
    const after = await measured(() =>
      table.planMoveUps(t, {
        villages: s.villages.map((_, i) => i), demand: s.demand, stations: s.stations.map((at, i) => ({ id: `s${i}`, index: i, at })),
        vehicles: s.fleet, q: 0.4, maxMoves: 3,
      }, { stats: planStats }),
    );
    const same =
      sameMoves(after.value.moves, before.value.moves) &&
      after.value.vehicles.every((v, k) => JSON.stringify([v.reach, v.movable]) === JSON.stringify([before.value.vehicles[k]!.reach, before.value.vehicles[k]!.movable])) &&
      after.value.posts.every((p, i) => JSON.stringify(p.reach) === JSON.stringify(stationsOnce.value[i]));
    emit({
      metric: 'moveup_plan', method: 'table', rep, ...setup, cpuMs: round(after.cpuMs), wallMs: round(after.wallMs), longestSliceMs: round(planStats.longestSliceMs), moves: after.value.moves.length,
      sameAsSearch: same, tableRows: t.stats.tableRows - stats.tableRows, exactSearches: t.stats.exactSearches - stats.exactSearches, replans: t.stats.replans - stats.replans,
    });
    if (!same) process.exitCode = 1;
  }
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: run `eval "$(bash scripts/services.sh env)"` first (or npm start once).');
    process.exitCode = 2;
    return;
  }
  const file = roadDataFile('rnv.osm.pbf');
  if (!file) {
    emit({ metric: 'moveup_plan', network: 'rnv', skipped: 'the RNV network ../shared/roaddata/rnv.osm.pbf is absent' });
    return;
  }
  const db = createPool(await ensureBenchDatabase(url), 4);
  try {
    await migrate(db);
    if ((await activeNetworkId(db, RNV_REGION)) === null) await importRoads(db, { file, region: RNV_REGION });
    const graph = await loadRoadGraph(db, RNV_REGION);
    await benchMoveUpPlan(graph, { quick: process.argv.includes('--quick'), onlySearch: process.argv.includes('search') && process.argv.includes('--only') });
  } finally {
    await db.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

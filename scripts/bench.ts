/**
 * `npm run bench [-- --quick] [-- --only geo,doors]`: every benchmark of the project, one after the other (the machine
 * has two cores: run side by side they would measure each other), each in its own process. Prints every JSON line
 * they print, tagged with the benchmark's name, and writes a Markdown summary of the headline metrics to
 * bench-results/summary.md (git-ignored). --quick runs each in its short form (CI, a smoke test of the benchmarks);
 * the figures in the README come from full runs. Needs the services' environment (scripts/services.sh env).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Each benchmark: its file, and its arguments in full and in quick form (a string instead: skipped in quick mode,
 * for that reason); node's own flags, if any.
 */
const BENCHES: { name: string; file: string; full: string[]; quick: string[] | string; node?: string[] }[] = [
  { name: 'geo', file: 'geo/bench/rankingBench.ts', full: [], quick: ['--quick'] },
  { name: 'dispatch', file: 'dispatch-server/bench/dispatchBench.ts', full: [], quick: ['--calls', '20', '--vehicles', '300', '--naive-calls', '2'] },
  { name: 'dispatch-rnv', file: 'dispatch-server/bench/dispatchBench.ts', full: ['--network', 'rnv'], quick: ['--network', 'rnv', '--calls', '20', '--naive-calls', '2'] },
  { name: 'ingest', file: 'dispatch-server/bench/ingestBench.ts', full: [], quick: ['--positions', '10000', '--naive', '500', '--seconds', '3'] },
  { name: 'doors', file: 'dispatch-server/bench/doorsBench.ts', full: [], quick: ['--seconds', '5', '--vehicles', '100', '--consoles', '5', '--rate', '2000'] },
  { name: 'cluster', file: 'dispatch-server/bench/clusterBench.ts', full: ['--processes', '1,2,3'], quick: ['--processes', '1,2', '--seconds', '4'] },
  { name: 'moveup', file: 'geo/bench/moveUpBench.ts', full: [], quick: ['--quick'] },
  // The dispatcher's desk and the supervisor's board in headless Chromium with 1,000 vehicles moving each second.
  { name: 'console-map', file: 'tests/e2e/consoleMapBench.ts', full: ['--repeat', '3'], quick: ['--quick'] },
  // Memory figures after a collection: --expose-gc.
  { name: 'province', file: 'geo/bench/provinceBench.ts', full: [], quick: ['--quick'], node: ['--expose-gc'] },
  {
    name: 'dispatch-province',
    file: 'dispatch-server/bench/dispatchBench.ts',
    // No pgRouting baseline: one many-to-one pgr_dijkstraCost from 10,000 vehicles over 1.1M edges ran past 10 minutes.
    full: ['--network', 'province', '--vehicles', '10000', '--calls', '100', '--naive-calls', '0'],
    quick: 'the province (1.14M edges) is generated in a fresh database and preprocessed: minutes, not a quick check',
  },
];

/** The metrics the summary names (issue #14), with the fields that say most about each. */
const HEADLINES: Record<string, string[]> = {
  recommendation_search: ['method', 'p50Ms', 'p95Ms', 'p99Ms'],
  recommendation_whole: ['p50Ms', 'p95Ms', 'p99Ms'],
  recommendation_province: ['p50Ms', 'p95Ms', 'p99Ms'],
  province_graph_load: ['edges', 'vertices', 'loadMs', 'typedArrayMB', 'rssGrowthMB', 'load'],
  province_ch_preprocess: ['preprocessMs', 'busyMs', 'hierarchyMB', 'rssGrowthMB', 'load'],
  province_search: ['method', 'vehicles', 'p50Ms', 'p95Ms', 'p99Ms', 'load'],
  ingest_http: ['positionsPerSecond', 'fanout'],
  ingest_port: ['positionsPerSecond', 'fanout'],
  ingest_socket: ['positionsPerSecond', 'fanout'],
  moveup: ['network', 'policy', 'medianS', 'p90S', 'within30Share'],
  console_map: ['case', 'screen', 'vehicles', 'fps', 'p95FrameMs', 'worstFrameMs', 'mainCpuMsPerS', 'load'],
};

type Line = Record<string, unknown> & { bench: string };

function run(bench: (typeof BENCHES)[number]): Promise<{ lines: Line[]; code: number | null }> {
  const lines: Line[] = [];
  const child = spawn(process.execPath, [...(bench.node ?? []), '--import', 'tsx', bench.file, ...(args.quick && Array.isArray(bench.quick) ? bench.quick : bench.full)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const text of parts) {
      let line: Line;
      try {
        // A benchmark's own `bench` field (its part: "calls", "positions") is kept as `part`.
        const { bench: part, ...fields } = JSON.parse(text) as Record<string, unknown>;
        line = { bench: bench.name, ...(part !== undefined && part !== bench.name ? { part } : {}), ...fields };
      } catch {
        continue; // a benchmark's own progress text
      }
      lines.push(line);
      console.log(JSON.stringify(line));
    }
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ lines, code })));
}

const cell = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '')).replace(/\|/g, '\\|');

const chosen = args.only ? BENCHES.filter((b) => args.only!.split(',').includes(b.name)) : BENCHES;
const started = new Date();
const summary: string[] = [
  `# Benchmarks, ${started.toISOString()}${args.quick ? ' (quick)' : ''}`,
  '',
  `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the start.`,
  '',
  '| benchmark | metric | figures |',
  '|---|---|---|',
];
const failed: string[] = [];
for (const bench of chosen) {
  if (args.quick && typeof bench.quick === 'string') {
    console.log(JSON.stringify({ bench: bench.name, skipped: `--quick: ${bench.quick}` }));
    summary.push(`| ${bench.name} | skipped | --quick: ${cell(bench.quick)} |`);
    continue;
  }
  const { lines, code } = await run(bench);
  if (code !== 0) failed.push(`${bench.name} (exit ${code})`);
  for (const line of lines) {
    const fields = HEADLINES[String(line.metric)];
    if (!fields) continue;
    summary.push(`| ${bench.name} | ${cell(line.metric)} | ${fields.filter((f) => f in line).map((f) => `${f} ${cell(line[f])}`).join(', ')} |`);
  }
}
if (failed.length) summary.push('', `Failed: ${failed.join(', ')}.`);
mkdirSync(`${ROOT}/bench-results`, { recursive: true });
writeFileSync(`${ROOT}/bench-results/summary.md`, `${summary.join('\n')}\n`);
console.error(`[bench] summary written to bench-results/summary.md${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);

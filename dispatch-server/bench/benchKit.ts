import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** What the benchmarks of real server processes share: output, waiting, percentiles, ports. */

/** The checkout's root, where a benchmark starts the server processes. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One JSON line on stdout: what `npm run bench` collects. */
export const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds' percentiles, 0.1 ms precision, with the count and the worst. */
export function percentiles(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 10) / 10;
  return { n: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: at(1) };
}

/** A TCP port free right now on the loopback, for a server process to listen on. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

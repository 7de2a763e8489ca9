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

/**
 * Whole-millisecond latencies counted in a fixed histogram: exact for integer samples (Date.now() differences), and
 * constant memory. A 10-minute soak hears ~60 million fan-out samples; kept in growing arrays, their copies and the
 * collector stalled the consoles' process for seconds, which the fan-out then measured as the server's delay.
 */
export class MsHistogram {
  private readonly counts = new Float64Array(60_001); // 0 … 60 s, the last bucket holds everything later
  private n = 0;
  private max = -Infinity;

  record(ms: number) {
    const bucket = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms)));
    this.counts[bucket]! += 1;
    this.n += 1;
    if (ms > this.max) this.max = ms;
  }

  /** The same shape, and for whole milliseconds the same values, as percentiles() over every sample. */
  percentiles() {
    const at = (q: number) => {
      if (this.n === 0) return NaN;
      const rank = Math.min(this.n - 1, Math.floor(q * this.n));
      let seen = 0;
      for (let ms = 0; ms < this.counts.length; ms++) {
        seen += this.counts[ms]!;
        if (seen > rank) return ms;
      }
      return NaN;
    };
    return { n: this.n, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: this.n ? Math.round(this.max * 10) / 10 : NaN };
  }
}

/** A TCP port free right now on the loopback, for a server process to listen on. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

import { appendFileSync } from 'node:fs';

/**
 * Preloaded into a benchmarked server process (node --import): appends the process's own memory use to
 * BENCH_MEMORY_FILE every second as JSON lines (time, RSS, V8 heap used and total, external, array buffers), for
 * a soak's memory series without any code of the server's knowing.
 */
const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) })}\n`);
  }, 1000).unref();
}

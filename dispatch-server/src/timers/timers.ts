import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { timerJobId, type TimerJobs, type TimerName } from './timerJobs';

export type TimerHandlers = { [N in TimerName]: (payload: TimerJobs[N]) => Promise<void> };

export interface Timers {
  schedule<N extends TimerName>(name: N, payload: TimerJobs[N], subjectId: string, delayMs: number): Promise<void>;
  /** Removes a pending timer; a timer already firing re-checks the database, so its effect still happens at most once. */
  cancel(name: TimerName, subjectId: string): Promise<void>;
  /** When the timer fires, or null when none is pending. */
  dueAt(name: TimerName, subjectId: string): Promise<Date | null>;
  close(): Promise<void>;
}

const QUEUE = 'timers';

/**
 * Durable timers on BullMQ: delayed jobs live in Redis (append-only file), so they survive a restart of
 * the server or of Redis, and the job id per subject prevents duplicates.
 */
export function createTimers(redisUrl: string, prefix: string, handlers: TimerHandlers, log: { error: (o: object, m: string) => void }): Timers {
  const connections: Redis[] = [];
  const connection = () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined); // reconnects by itself; BullMQ reports what matters
    connections.push(redis);
    return redis;
  };
  const queue = new Queue(QUEUE, { connection: connection(), prefix });
  const worker = new Worker(
    QUEUE,
    async (job: Job) => {
      const handler = handlers[job.name as TimerName] as ((payload: unknown) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for timer ${job.name}`);
      await handler(job.data);
    },
    { connection: connection(), prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => log.error({ err, timer: job?.name, id: job?.id }, 'timer handler failed'));
  worker.on('error', (err) => log.error({ err }, 'timer worker error'));

  return {
    async schedule(name, payload, subjectId, delayMs) {
      await queue.add(name, payload, {
        jobId: timerJobId(name, subjectId),
        delay: Math.max(0, delayMs),
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: 1000,
      });
    },
    async cancel(name, subjectId) {
      await queue.remove(timerJobId(name, subjectId));
    },
    async dueAt(name, subjectId) {
      const job = await queue.getJob(timerJobId(name, subjectId));
      if (!job || !(await job.isDelayed())) return null;
      return new Date(job.timestamp + (job.opts.delay ?? 0));
    },
    async close() {
      await worker.close();
      await queue.close();
      // BullMQ leaves connections it was given open.
      for (const redis of connections) redis.disconnect();
    },
  };
}

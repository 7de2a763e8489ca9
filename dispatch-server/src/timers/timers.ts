import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { isDatabaseUnavailable } from '../http/errors';
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
/** How long a dispatch waits for Redis before going on without it. */
const REDIS_WAIT_MS = 1500;
/** While the database is away a due timer looks again after half its lateness, within these bounds. */
const DB_WAIT_MIN_MS = 1000;
const DB_WAIT_MAX_MS = 5000;

/**
 * Durable timers on BullMQ: delayed jobs live in Redis (append-only file), so they survive a restart of
 * the server or of Redis, and the job id per subject prevents duplicates.
 */
/**
 * @param options.work whether this process fires timers (PROCESS_ROLES workers); every process may arm and cancel them
 */
export function createTimers(
  redisUrl: string,
  prefix: string,
  handlers: TimerHandlers,
  log: { error: (o: object, m: string) => void },
  { work = true }: { work?: boolean } = {},
): Timers {
  const connections: Redis[] = [];
  const connection = () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined); // reconnects by itself; BullMQ reports what matters
    connections.push(redis);
    return redis;
  };
  const queue = new Queue(QUEUE, { connection: connection(), prefix });
  const worker = !work ? null : new Worker(
    QUEUE,
    async (job: Job, token?: string) => {
      const handler = handlers[job.name as TimerName] as ((payload: unknown) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for timer ${job.name}`);
      try {
        await handler(job.data);
      } catch (err) {
        if (!isDatabaseUnavailable(err) || !token) throw err;
        // A deadline inside a database outage waits for the database however long it takes, without using up
        // its attempts (which would park it in the failed set): back to the delayed set, as BullMQ documents.
        const late = Date.now() - (job.timestamp + (job.opts.delay ?? 0));
        await job.moveToDelayed(Date.now() + Math.min(DB_WAIT_MAX_MS, Math.max(DB_WAIT_MIN_MS, late / 2)), token);
        throw new DelayedError();
      }
    },
    { connection: connection(), prefix, concurrency: 4 },
  );
  worker?.on('failed', (job, err) => log.error({ err, timer: job?.name, id: job?.id }, 'timer handler failed'));
  worker?.on('error', (err) => log.error({ err }, 'timer worker error'));

  /**
   * Redis being away must not fail a dispatch that the database already committed: each call gives up after
   * a short wait (ioredis still delivers it once Redis is back) and reconcileTimers re-creates from the
   * database any timer that was missed. A late cancel is harmless: handlers re-check the database.
   */
  const bounded = async <T>(what: string, work: Promise<T>, fallback: T): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
        }),
      ]);
    } catch (err) {
      log.error({ err, what }, 'timer operation failed; the reconciliation will repair it');
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async schedule(name, payload, subjectId, delayMs) {
      const jobId = timerJobId(name, subjectId);
      const added = async () => {
        // A job that used up its attempts stays in the failed set under the subject's id, where it would make
        // every later add a no-op: the subject's timer could never be armed again. Handlers re-check the
        // database, so firing it once more is safe.
        const previous = await queue.getJob(jobId);
        if (previous && (await previous.isFailed())) await previous.remove();
        await queue.add(name, payload, {
          jobId,
          delay: Math.max(0, delayMs),
          attempts: 5,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: 1000,
        });
      };
      await bounded(`schedule ${name}`, added(), undefined);
    },
    async cancel(name, subjectId) {
      await bounded(`cancel ${name}`, queue.remove(timerJobId(name, subjectId)).then(() => undefined), undefined);
    },
    async dueAt(name, subjectId) {
      const lookup = async () => {
        const job = await queue.getJob(timerJobId(name, subjectId));
        if (!job || !(await job.isDelayed())) return null;
        return new Date(job.timestamp + (job.opts.delay ?? 0));
      };
      return bounded(`dueAt ${name}`, lookup(), null);
    },
    async close() {
      await worker?.close();
      await queue.close();
      // BullMQ leaves connections it was given open.
      for (const redis of connections) redis.disconnect();
    },
  };
}

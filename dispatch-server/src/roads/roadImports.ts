import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '@dispatch/db';
import { importRoads, type ImportProgress, type ImportReport } from '@dispatch/geo/import/importRoads';
import { type RoadImportJobDto, type RoadUploadQuery, rooms } from '@dispatch/protocol';
import { Queue, Worker, type Job } from 'bullmq';
import type { Request } from 'express';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { HttpError } from '../http/errors';
import type { Publisher } from '../realtime/publisher';
import { pinServedRegion } from './roadAdmin';

/** The job's payload in Redis: where the upload lies and what to make of it (no personal data beyond the actor). */
interface RoadImportJob {
  file: string;
  region: string;
  fileName: string;
  sizeBytes: number;
  replace: boolean;
  actor: Actor;
}

export interface RoadImports {
  /** Streams the request's body to a file under the upload folder and queues its import; the job as it starts. */
  upload(req: Request, query: z.output<typeof RoadUploadQuery>, actor: Actor): Promise<RoadImportJobDto>;
  /** The import jobs of the last day, newest first, with progress, report or error. */
  list(): Promise<RoadImportJobDto[]>;
  close(): Promise<void>;
}

const QUEUE = 'road-imports';
const KEEP_S = 24 * 3600;
/** Progress is written to Redis at most this often (a stage change always is). */
const PROGRESS_EVERY_MS = 250;
/** Bodies that are form posts or JSON are not a road file: the console sends the file's bytes as they are. */
const NOT_A_FILE = /^(application\/(json|x-www-form-urlencoded)|multipart\/)/;
/** The endings the importer recognises, kept on the stored file so it detects the format as the CLI does. */
const ENDINGS = ['.osm.pbf', '.pbf', '.osm', '.xml', '.geojson', '.json'];

/**
 * Road imports from the console as BullMQ jobs: the upload is streamed to disk (never held in memory whole, cut off
 * past `maxBytes`), a worker of concurrency 1 runs geo's importRoads on it and writes its progress to the job, the
 * console polls the job list. The file is deleted when the job ends, whatever the outcome. The upload folder must be
 * shared by the server processes (any one's worker may take the job).
 */
export function createRoadImports(opts: {
  db: Db;
  redisUrl: string;
  prefix: string;
  dir: string;
  maxBytes: number;
  /** Whether this process takes import jobs (ROAD_IMPORT_WORKER); uploads are queued either way. */
  work: boolean;
  /** Where a finished import is announced to the open consoles. */
  events: Publisher;
  log: { error: (o: object, m: string) => void; info: (o: object, m: string) => void };
}): RoadImports {
  const { db, log } = opts;
  const dir = resolve(opts.dir);
  const connections: Redis[] = [];
  const connection = () => {
    const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    connections.push(redis);
    return redis;
  };
  const queue = new Queue<RoadImportJob, ImportReport>(QUEUE, { connection: connection(), prefix: opts.prefix });
  // Any worker may take a job: one queued by another process, or left by a restart, runs too. The import parses and
  // builds the topology on this process's event loop, so a big centre runs it on a process that takes no calls.
  const worker = opts.work
    ? new Worker<RoadImportJob, ImportReport>(QUEUE, (job) => runImport(db, opts.events, job), { connection: connection(), prefix: opts.prefix, concurrency: 1 })
    : null;
  worker?.on('failed', (job, err) => log.error({ err: err.message, job: job?.id }, 'road import failed'));
  worker?.on('error', (err) => log.error({ err }, 'road import worker error'));

  return {
    async upload(req, query, actor) {
      const type = String(req.headers['content-type'] ?? '');
      if (NOT_A_FILE.test(type)) throw new HttpError(415, `body: send the file itself (application/octet-stream), not ${type.split(';')[0]}`);
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > opts.maxBytes) throw new HttpError(413, `body: the file is larger than ${Math.round(opts.maxBytes / 1048576)} MB`);
      await mkdir(dir, { recursive: true });
      const lower = query.fileName.toLowerCase();
      const ending = ENDINGS.find((e) => lower.endsWith(e)) ?? '';
      const id = randomUUID();
      const file = join(dir, `${id}${ending}`);
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > opts.maxBytes) done(new HttpError(413, `body: the file is larger than ${Math.round(opts.maxBytes / 1048576)} MB`));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(req, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
        if (size === 0) throw new HttpError(400, 'body: the file is empty');
        const data: RoadImportJob = { file, region: query.region, fileName: query.fileName, sizeBytes: size, replace: query.replace, actor };
        const job = await queue.add('import', data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_S }, removeOnFail: { age: KEEP_S } });
        log.info({ job: id, region: query.region, sizeBytes: size }, 'road file uploaded');
        return present(job);
      } catch (error) {
        await rm(file, { force: true });
        // The client went away mid-upload: nothing to answer; a limit or an empty file: the 4xx above.
        throw error instanceof HttpError ? error : new HttpError(400, `body: the upload did not complete (${(error as Error).message})`);
      }
    },
    async list() {
      const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed'], 0, 49);
      return jobs
        .filter(Boolean)
        .map(present)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async close() {
      await worker?.close();
      await queue.close();
      for (const redis of connections) redis.disconnect();
    },
  };
}

async function runImport(db: Db, events: Publisher, job: Job<RoadImportJob, ImportReport>): Promise<ImportReport> {
  const { file, region, replace, fileName, actor } = job.data;
  let last = { stage: '', at: 0 };
  const onProgress = (p: ImportProgress) => {
    const now = Date.now();
    if (p.stage === last.stage && now - last.at < PROGRESS_EVERY_MS) return;
    last = { stage: p.stage, at: now };
    job.updateProgress({ ...p }).catch(() => undefined);
  };
  try {
    await pinServedRegion(db);
    const report = await importRoads(db, { file, region, replace, sourceName: fileName, onProgress });
    await appendAudit(db, actor, 'roadNetwork.imported', { type: 'road_network', id: String(report.networkId) }, {
      region,
      fileName,
      edges: report.edges,
      replace,
    });
    events.publish(rooms.dispatchers, 'settings.changed', { what: 'roadNetwork', region });
    return report;
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * A job as the console shows it. Its state is read from the fields fetched with it (not asked again), so a job that
 * ended between two reads never shows as failed without its reason.
 */
function present(job: Job<RoadImportJob, ImportReport>): RoadImportJobDto {
  const state = job.finishedOn ? (job.failedReason ? 'failed' : 'completed') : job.processedOn ? 'active' : 'waiting';
  const progress = job.progress && typeof job.progress === 'object' ? (job.progress as RoadImportJobDto['progress']) : null;
  const { stageMs, ...report } = job.returnvalue ?? ({} as Partial<ImportReport>);
  return {
    id: String(job.id),
    region: job.data.region,
    fileName: job.data.fileName,
    sizeBytes: job.data.sizeBytes,
    replace: job.data.replace,
    state,
    progress: progress ?? { stage: 'uploaded', done: 0, total: 0 },
    report: job.returnvalue
      ? {
          ways: report.ways!, edges: report.edges!, vertices: report.vertices!, lengthKm: report.lengthKm!,
          largestComponentShare: report.largestComponentShare!, onewayEdges: report.onewayEdges!, waysRead: report.waysRead,
          skippedWays: report.skippedWays, skipped: report.skipped, durationMs: report.durationMs!, stageMs: stageMs as Record<string, number> | undefined,
        }
      : null,
    error: state === 'failed' ? job.failedReason : null,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

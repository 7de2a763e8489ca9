import { z } from 'zod';
import { tileImageSource } from './http/contentSecurityPolicy';

/** The parts of the server one process may run (PROCESS_ROLES). */
export type ProcessRole = 'web' | 'realtime' | 'workers' | 'ingest';

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** Every setting of the dispatch server, read once from the environment at start. */
export const ConfigSchema = z.object({
  /** PostgreSQL with PostGIS and pgRouting; scripts/services.sh prints the private cluster's URL. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /**
   * A streaming replica (scripts/replica.sh) for reads that may be a moment stale: the reports only. Unset: the
   * primary. A replica that cannot be reached hands its reports to the primary (README, Deployment).
   */
  DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Redis for BullMQ timers (and the socket.io adapter when scaled out). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Address the HTTP/socket.io server binds; 0.0.0.0 to reach it from tablets on the LAN. */
  HOST: z.string().default('127.0.0.1'),
  /** API, console and socket.io port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8120),
  /** The address others reach this server at (links in FHIR exports); defaults to http://HOST:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Port of its own for OsmAnd/Traccar Client position reports (Traccar's default is 5055); 0 picks a free one. */
  OSMAND_PORT: z.coerce.number().int().min(0).max(65535).default(5055),
  /** HMAC secret for session tokens, at least 32 characters. */
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  /** How long a session token stays valid. */
  TOKEN_TTL_HOURS: z.coerce.number().positive().default(12),
  /** How often open sockets are checked again (token expired, login disabled or re-bound) and closed if not valid. */
  SESSION_RECHECK_S: z.coerce.number().positive().default(30),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Folder of the built console (vite build); served at /. */
  CONSOLE_DIST: z.string().default('console/dist'),
  /** Folder of the built crew tablet app; served at /tablet/. */
  TABLET_DIST: z.string().default('vehicle-agent/dist'),
  /** Map tile URL template for the console; the console falls back to the region's own roads when unreachable. */
  TILE_URL: z
    .string()
    .refine((url) => tileImageSource(url) !== null, 'TILE_URL must be http(s)://host/… (a {s} only in the first label of the host) or a path on this server')
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  /** Attribution shown with the tiles. */
  TILE_ATTRIBUTION: z.string().default('© OpenStreetMap contributors'),
  /** Set gcj02 for Chinese basemaps such as AutoNavi/Tencent, whose tiles are offset; maps then shift what they draw. */
  TILE_COORDINATES: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  /** A vehicle position older than this is stale: ranking falls back to the home station and flags it. */
  POSITION_STALE_AFTER_S: z.coerce.number().int().positive().default(120),
  /** A crew must acknowledge an assignment within this many seconds or the incident is re-offered. */
  ACK_TIMEOUT_S: z.coerce.number().int().positive().default(60),
  /** A hospital notice not acknowledged within this many seconds is escalated to the dispatchers. */
  HOSPITAL_ACK_TIMEOUT_S: z.coerce.number().int().positive().default(180),
  /** Red (full) hospitals are proposed only when no open one is reachable within this many seconds. */
  HOSPITAL_DIVERSION_BOUND_S: z.coerce.number().int().positive().default(1800),
  /**
   * A scarce vehicle (mobile CT, neonatal transfer) goes to a call that does not need it only when it arrives more
   * than this many seconds before the best ordinary vehicle; otherwise it is ranked after them, kept for its own calls.
   */
  SCARCE_VEHICLE_MARGIN_S: z.coerce.number().int().min(0).default(300),
  /**
   * Seconds a call of priority 1, 2, 3 and 4 may wait without a vehicle before every console sounds the "unassigned"
   * alert (the one place these limits are set): four whole numbers, e.g. 30,60,120,300.
   */
  UNASSIGNED_ALERT_S: z
    .string()
    .regex(/^\d{1,5}(,\d{1,5}){3}$/, 'four whole seconds for priorities 1 to 4, e.g. 30,60,120,300')
    .transform((s) => s.split(',').map(Number))
    .default([30, 60, 120, 300]),
  /** How often the ETAs of live hospital notices are recomputed from the vehicles' positions. */
  NOTICE_ETA_REFRESH_S: z.coerce.number().positive().default(10),
  /** How often timers are re-derived from the database, repairing any Redis lost (outage, restart without its file). */
  TIMER_RECONCILE_S: z.coerce.number().positive().default(30),
  /** Seconds between two whole re-reads of the in-memory fleet state, which catch a direct database edit no command announced. */
  FLEET_RECONCILE_S: z.coerce.number().positive().default(60),
  /** Road region to route on; empty means the most recently imported one. */
  ROAD_REGION: z.string().regex(/^[a-z0-9_-]{1,64}$/).optional(),
  /**
   * Load the road graph when the process starts (and again when the region is re-imported) and, once its hierarchy is
   * built, prepare every centre's ranking (recommendations/computeRecommendation.ts prepareRankings): the first call after
   * a start then does not pay for loading a province. The test servers set 0 (tests/support): their roads load at the first route.
   */
  ROAD_PRELOAD: booleanFlag.default(true),
  /** Where road files uploaded from the console are written while they are imported (shared by the server processes). */
  ROAD_UPLOAD_DIR: z.string().default('.data/road-uploads'),
  /** The largest road file the console may upload, in MB (an OSM PBF of a province is a few hundred). */
  ROAD_UPLOAD_MAX_MB: z.coerce.number().positive().default(1024),
  /** The largest photo or PDF a consultation takes, in MB (a phone photo of an ECG strip is 1–4 MB); the route table documents 5. */
  CONSULTATION_ATTACHMENT_MAX_MB: z.coerce.number().positive().max(50).default(5),
  /** Take the console's road import jobs in this process; 0 on dispatch processes when `npm run roads:worker` runs apart. */
  ROAD_IMPORT_WORKER: booleanFlag.default(true),
  /** Prefix of BullMQ queue keys in Redis, so two deployments can share one Redis. */
  QUEUE_PREFIX: z.string().default('dispatch120'),
  /**
   * What this process does, so the parts scale apart (README, Deployment): web (the API and the console on PORT),
   * realtime (socket.io on PORT), workers (BullMQ timers, the outbox drainer, timer reconciliation, notice ETAs,
   * road imports, position partitions), ingest (the OsmAnd/Traccar port OSMAND_PORT). Comma-separated; all four by default.
   */
  PROCESS_ROLES: z
    .string()
    .regex(/^\s*(web|realtime|workers|ingest)\s*(,\s*(web|realtime|workers|ingest)\s*)*$/, 'a comma-separated list of web, realtime, workers, ingest')
    .transform((s) => new Set(s.split(',').map((r) => r.trim() as ProcessRole)))
    .default(() => new Set<ProcessRole>(['web', 'realtime', 'workers', 'ingest'])),
  /**
   * Broadcasts the socket.io Redis stream keeps for processes and sockets catching up after a disconnection: each
   * process adds ~10 a second (position batches every 100 ms, up to ~40 KB each for a 2,000 positions/s fleet).
   */
  SOCKET_STREAM_MAX_LEN: z.coerce.number().int().min(1000).default(5_000),
  /** Seed the synthetic demo county (road network, stations, fleet, hospitals, logins) at start. */
  DEMO: booleanFlag.default(false),
  /** Where the demo keeps each demo login's generated password (readable by its owner only). */
  DEMO_PASSWORDS_FILE: z.string().default('.data/demo-logins.json'),
}).transform((config) => ({
  ...config,
  // Never the request's Host header: a client could make exported links point anywhere.
  PUBLIC_URL: (config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`).replace(/\/+$/, ''),
}));
export type Config = z.infer<typeof ConfigSchema>;

/** Whether HOST keeps the server on this machine; demo passwords are refused otherwise. */
export const isLoopbackHost = (host: string): boolean => ['127.0.0.1', '::1', 'localhost'].includes(host);

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { resolve } from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type RouteName } from '@dispatch/protocol';
import { authHandlers } from './auth/auth.routes';
import { createLoginThrottle } from './auth/loginThrottle';
import { sessionStore } from './auth/sessions';
import { createTokenService, type TokenService } from './auth/tokens';
import { isLoopbackHost, type Config } from './config';
import type { Db } from '@dispatch/db';
import { healthHandlers } from './health/health.routes';
import { closeKeptAlive, keepDevicesConnected } from './positions/osmandDoor';
import { createPositions, type Positions } from './positions/positions.routes';
import { contentSecurityPolicy } from './http/contentSecurityPolicy';
import { errorHandler, unknownRoute } from './http/errors';
import type { Logger } from './logger';
import { closeGateway, createGateway, type Gateway } from './realtime/gateway';
import { createStreamsAdapter } from './realtime/streamsAdapter';
import { linkPeers, type Peers } from './realtime/peers';
import { routingHandlers } from './routing/routing.routes';
import { roadHandlers } from './roads/roads.routes';
import { roadAdminHandlers } from './roads/roadAdmin.routes';
import { createRoadImports } from './roads/roadImports';
import { bulkHandlers } from './bulk/bulk.routes';
import { forgetCategoryRequirements } from './operatorData/operatorData';
import { operatorDataHandlers } from './operatorData/operatorData.routes';
import { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { alertHandlers } from './alerts/alerts.routes';
import { announceDispatch, announceWithdrawal } from './assignments/announceAssignment';
import { assignmentHandlers } from './assignments/assignments.routes';
import { reofferIncident } from './assignments/reofferIncident';
import { auditHandlers } from './audit/audit.routes';
import { coverageHandlers } from './coverage/coverage.routes';
import { LiveCoverage } from './coverage/liveCoverage';
import { repositionHandlers } from './repositions/repositions.routes';
import { crewHandlers } from './crews/crews.routes';
import type { DispatchContext } from './dispatchContext';
import { hospitalHandlers } from './hospitals/hospitals.routes';
import { publishIncident } from './incidents/incidents';
import { incidentHandlers } from './incidents/incidents.routes';
import { announceNoticeChange, refreshNoticeEtas } from './notices/notices';
import { noticeHandlers } from './notices/notices.routes';
import { registerMessageHandlers } from './messages/messageSocket';
import { messageHandlers } from './messages/messages.routes';
import { consultationHandlers } from './consultations/consultations.routes';
import { buildOpenApiDocument } from './openapi/openapi';
import { malformedIdsNotFound, mountRoutes, type Handlers } from './http/mountRoutes';
import { createOutbox } from './outbox/outbox';
import { placeHandlers } from './places/places.routes';
import { registerHandlers } from './register/register.routes';
import { reportHandlers } from './reports/reports.routes';
import { resourceDeleteHandlers } from './resources/resources.routes';
import { registerCrewHandlers } from './realtime/crewHandlers';
import { gatewayPublisher, type Publisher } from './realtime/publisher';
import { stationHandlers } from './stations/stations.routes';
import { centreHandlers } from './centres/centres.routes';
import { telephonyHandlers } from './telephony/telephony.routes';
import { ackTimeout } from './timers/ackTimeout.job';
import { noticeEscalation } from './timers/noticeEscalation.job';
import { unassignedAlert } from './timers/unassignedAlert.job';
import { transferDue } from './timers/transferDue.job';
import { transferHandlers } from './transfers/transfers.routes';
import { reconcileTimers } from './timers/reconcileTimers';
import { createTimers } from './timers/timers';
import { graphTravelService } from './travel/graphTravelService';
import { FleetState } from './fleet/fleetState';
import { prepareRankings } from './recommendations/computeRecommendation';
import { userHandlers } from './users/users.routes';
import { vehicleHandlers } from './vehicles/vehicles.routes';

export interface AppDeps {
  config: Config;
  db: Db;
  /** Reads that may be a moment stale (the reports): a streaming replica's pool from createReadPool; default `db`. */
  readDb?: Db;
  redis: Redis;
  log: Logger;
}

export interface App {
  http: HttpServer;
  /** The express application behind `http`; the role-matrix test walks its routes against the OpenAPI document. */
  web: express.Express;
  io: Gateway;
  tokens: TokenService;
  /** Position ingestion (OsmAnd endpoints, batched writes, fan-out); `osmandServer()` gives the OsmAnd port. */
  positions: Positions;
  /** What the dispatch commands run with; tests and jobs call commands through it. */
  ctx: DispatchContext;
  /** In-memory road graphs, one per region, reloaded when a region is re-imported. */
  graphs: GraphRegistry;
  /** Stops accepting connections and closes sockets; the caller closes the database and Redis. */
  close(): Promise<void>;
}

/** Builds the HTTP API, the console's static files and the socket.io gateway on one server. */
export function createApp({ config, db, readDb = db, redis, log }: AppDeps): App {
  // What this process runs (README, Deployment): the HTTP port always answers /api/health.
  const roles = config.PROCESS_ROLES;
  // The other server processes, once the gateway exists: what this one forgets of sessions and devices, they do too.
  let peers: Peers | null = null;
  const tokens = createTokenService(config.JWT_SECRET, config.TOKEN_TTL_HOURS, sessionStore(db), (userId) => peers?.tell('sessions.forget', userId));
  const fleet = new FleetState(db, log, { reconcileMs: config.FLEET_RECONCILE_S * 1000 });
  fleet.start();
  const positions = createPositions({ config, db, fleet, log, tellPeers: (deviceId) => peers?.tell('device.forget', deviceId) });
  // Only processes that rank (the web role takes the calls) load the roads ahead and prepare the rankings.
  const preload = config.ROAD_PRELOAD && roles.has('web');
  const prepare = () => void prepareRankings(ctx.travel, fleet, ctx.policy).catch((err: Error) => log.warn({ err: err.message }, 'preparing the rankings failed'));
  const graphs = new GraphRegistry(db, { onPreprocessed: preload ? prepare : undefined });
  if (preload) {
    const load = () => void graphs.get(config.ROAD_REGION).catch(() => undefined);
    load();
    graphs.onChange(load);
  }
  // The gateway exists only once the HTTP server does; commands publish through it from then on.
  let publisher: Publisher | null = null;
  // A vehicle's change may change the 30-minute circle: it is recomputed a moment later (coverage/liveCoverage.ts).
  let liveCoverage: LiveCoverage | undefined = undefined;
  const events: Publisher = {
    publish: (...args) => {
      publisher?.publish(...args);
      if (args[1] === 'vehicle.updated') liveCoverage?.touch();
    },
  };
  const roadImports = createRoadImports({
    db, redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, dir: config.ROAD_UPLOAD_DIR, maxBytes: config.ROAD_UPLOAD_MAX_MB * 1024 * 1024,
    work: config.ROAD_IMPORT_WORKER && roles.has('workers'), events, log,
  });
  const ctx: DispatchContext = {
    db,
    events,
    travel: graphTravelService(graphs, config.ROAD_REGION),
    fleet,
    log,
    policy: {
      ackTimeoutS: config.ACK_TIMEOUT_S,
      hospitalAckTimeoutS: config.HOSPITAL_ACK_TIMEOUT_S,
      staleAfterSeconds: config.POSITION_STALE_AFTER_S,
      maxSeconds: 2 * 3600,
      diversionBoundSeconds: config.HOSPITAL_DIVERSION_BOUND_S,
      scarceMarginSeconds: config.SCARCE_VEHICLE_MARGIN_S,
      unassignedAlertS: config.UNASSIGNED_ALERT_S,
    },
    timers: createTimers(
      config.REDIS_URL,
      config.QUEUE_PREFIX,
      { ackTimeout: (p) => ackTimeout(ctx, p), noticeEscalation: (p) => noticeEscalation(ctx, p), unassignedAlert: (p) => unassignedAlert(ctx, p),
        transferDue: (p) => transferDue(ctx, p) },
      log,
      { work: roles.has('workers') },
    ),
    outbox: createOutbox(
      db,
      {
        'assignment.dispatched': (p) => announceDispatch(ctx, p.assignmentId),
        'assignment.withdrawn': (p) => announceWithdrawal(ctx, p.assignmentId, p.reason),
        'incident.reoffered': (p) => reofferIncident(ctx, p.incidentId),
        'incident.updated': async (p) => void (await publishIncident(ctx, p.incidentId)),
        'notice.changed': (p) => announceNoticeChange(ctx, p),
      },
      log,
      { drain: roles.has('workers') },
    ),
  };
  const live = new LiveCoverage(ctx, graphs, config.ROAD_REGION);
  liveCoverage = live;
  const openApi = buildOpenApiDocument();
  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));
  api.use(malformedIdsNotFound());
  // Every route of the protocol's table, each handled by its domain: leaving one out fails the type check. The
  // OsmAnd device endpoints, outside /api with their own body formats, are served ahead of express (positions.osmandAhead).
  const handlers: Handlers<Exclude<RouteName, 'osmandGet' | 'osmandPost'>> = {
    openApi: async () => openApi,
    clientConfig: async () => ({
      protocolVersion: PROTOCOL_VERSION,
      tileUrl: config.TILE_URL,
      tileAttribution: config.TILE_ATTRIBUTION,
      tileCoordinates: config.TILE_COORDINATES,
      positionStaleAfterS: config.POSITION_STALE_AFTER_S,
    }),
    ...healthHandlers(db, redis, readDb === db ? undefined : readDb),
    ...authHandlers({ db, tokens, throttle: createLoginThrottle(redis, config.QUEUE_PREFIX), loopbackOnly: isLoopbackHost(config.HOST) }),
    ...userHandlers(ctx, tokens),
    ...stationHandlers(ctx),
    ...centreHandlers(db),
    ...telephonyHandlers(ctx),
    ...vehicleHandlers(ctx, positions.deviceHandlers),
    ...hospitalHandlers(ctx),
    ...crewHandlers(ctx),
    ...resourceDeleteHandlers(ctx),
    ...placeHandlers(db),
    ...auditHandlers(db),
    ...incidentHandlers(ctx),
    ...assignmentHandlers(ctx),
    ...noticeHandlers(ctx, config.PUBLIC_URL),
    ...alertHandlers(ctx),
    ...messageHandlers(ctx),
    ...consultationHandlers(ctx, config.CONSULTATION_ATTACHMENT_MAX_MB * 1024 * 1024),
    ...transferHandlers(ctx),
    ...reportHandlers(readDb),
    ...coverageHandlers(db, graphs),
    ...repositionHandlers(ctx, live),
    ...routingHandlers(graphs, config.ROAD_REGION),
    ...roadHandlers(db, config.ROAD_REGION),
    ...roadAdminHandlers(db, events, roadImports, config.ROAD_REGION),
    ...operatorDataHandlers(db, events, () => peers?.tell('categoryRequirements.forget')),
    ...bulkHandlers({ db, events, staleAfterSeconds: config.POSITION_STALE_AFTER_S }),
    ...registerHandlers(db),
  };
  api.use(mountRoutes(tokens, handlers));
  api.use(unknownRoute);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Helmet's own CSP would block the configured tile server: ours allows exactly that origin beside 'self'.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  app.use(contentSecurityPolicy(config.TILE_URL));
  if (roles.has('web')) {
    app.use('/api', api);
    app.use('/tablet', serveSpa(config.TABLET_DIST, 'The crew tablet app is not built: run npm run build:tablet'));
    app.use(serveSpa(config.CONSOLE_DIST, 'The console is not built: run npm run build:console'));
  } else {
    // The balancer's and the supervisor's health check; nothing else of the API here.
    app.use('/api', (req, res, next) => (req.path === '/health' ? api(req, res, next) : next()));
  }
  app.use(errorHandler(log));

  // OsmAnd/Traccar clients post to /osmand, outside /api, answered before express's middleware (positions/osmandDoor.ts).
  const http = keepDevicesConnected(createServer(roles.has('web') ? positions.osmandAhead(app) : app));
  // Every process publishes through the Redis stream (a worker's re-offer reaches the consoles of the web processes);
  // only a realtime one serves sockets.
  const streams = createStreamsAdapter(config.REDIS_URL, config.QUEUE_PREFIX, config.SOCKET_STREAM_MAX_LEN);
  const io = createGateway(roles.has('realtime') ? http : null, tokens, config.SESSION_RECHECK_S * 1000, streams.adapter);
  positions.start(io, roles.has('ingest'), streams.alone);
  peers = linkPeers(io, {
    'sessions.forget': (userId) => tokens.forgetHere(userId),
    'device.forget': (deviceId) => positions.devices.forgetHere(deviceId),
    'categoryRequirements.forget': forgetCategoryRequirements,
  });
  publisher = gatewayPublisher(io);
  registerCrewHandlers(io, ctx, positions.ingestor);
  registerMessageHandlers(io, ctx);
  let etaRefresh: NodeJS.Timeout | undefined;
  let reconciliation: NodeJS.Timeout | undefined;
  if (roles.has('workers')) {
    etaRefresh = setInterval(() => {
      refreshNoticeEtas(ctx).catch((err) => log.warn({ err: (err as Error).message }, 'notice ETA refresh failed'));
    }, config.NOTICE_ETA_REFRESH_S * 1000);
    etaRefresh.unref();
    const reconcile = () =>
      reconcileTimers(ctx).catch((err) => log.warn({ err: (err as Error).message }, 'timer reconciliation failed'));
    void reconcile();
    reconciliation = setInterval(reconcile, config.TIMER_RECONCILE_S * 1000);
    reconciliation.unref();
  }
  return {
    http,
    web: app,
    io,
    tokens,
    positions,
    ctx,
    graphs,
    async close() {
      clearInterval(etaRefresh);
      clearInterval(reconciliation);
      live.close();
      await closeGateway(io);
      await closeKeptAlive(http);
      // After the HTTP server: requests still in flight wait for their positions to be written.
      await positions.close();
      // Before the timers: a delivery in progress may still schedule one.
      await ctx.outbox.close();
      await ctx.timers.close();
      await roadImports.close();
      await fleet.close();
      await graphs.close();
      // Last: what the outbox delivered while closing was still published to the other processes.
      streams.close();
    },
  };
}

/** A built web app, with index.html for client-side routes; a clear page when it was not built. */
function serveSpa(distDir: string, notBuilt: string): express.RequestHandler {
  const dir = resolve(distDir);
  const index = resolve(dir, 'index.html');
  const router = express.Router();
  // Source maps are not built (vite.config.ts); one left in a dist folder is still never served.
  router.get(/\.map$/, (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  router.use(express.static(dir, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
    if (existsSync(index)) res.sendFile(index, { maxAge: 0 });
    else res.status(503).type('text/plain').send(`${notBuilt} (looked in ${dir}).`);
  });
  return router;
}

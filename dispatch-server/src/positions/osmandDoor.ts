import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { gunzip, inflate } from 'node:zlib';
import { codeForStatus, type OsmandAnswer } from '@dispatch/protocol';
import type { Logger } from '../logger';
import { answerFor, HttpError } from '../http/errors';
import type { DeviceDirectory } from './deviceDirectory';
import type { PositionIngestor } from './ingestPositions';
import { parseOsmandRequest } from './osmand';

export interface OsmandDeps {
  ingestor: PositionIngestor;
  devices: DeviceDirectory;
  log: Pick<Logger, 'debug' | 'error'>;
}

/** What a request's parameters may weigh: a Traccar Client request is a few hundred bytes, a JSON batch more. */
const FORM_LIMIT = 64 * 1024;
const JSON_LIMIT = 1024 * 1024;
/** As the urlencoded parser counted them: more parameters than this is 413, not a silent cut. */
const PARAMETER_LIMIT = 1000;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The OsmAnd/Traccar Client door as a bare Node request handler, served ahead of express: every fleet device
 * calls it every few seconds, and express's middleware chain (routing, security headers, body parsers) cost
 * more than the position itself (a CPU profile of bench:doors). GET or POST, parameters in the query string, an
 * urlencoded body or a JSON body. 200 only once every position of the request is stored; an unknown device id is
 * 404 and nothing of the request is stored. Unauthenticated, as the protocol is: the device id bound by an admin
 * is the credential, as in Traccar. Errors are answered as the REST error handler answers them (answerFor).
 * @param paths the paths served (anything else here is 404)
 */
export function osmandDoor(deps: OsmandDeps, paths: ReadonlySet<string>): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    handle(deps, req, path, q < 0 ? '' : url.slice(q + 1), paths).then(
      (answer) => send(res, 200, answer),
      (error: unknown) => {
        const answer = answerFor(error);
        if (answer.status >= 500 && answer.status !== 503) deps.log.error({ err: error }, 'unhandled error');
        // A refused body may still be arriving: the connection cannot carry another request after it.
        if (!req.complete) res.shouldKeepAlive = false;
        send(res, answer.status, { error: answer.error, code: answer.code ?? codeForStatus(answer.status), details: answer.details });
        req.resume();
      },
    );
  };
}

/**
 * A device reports every few seconds to a minute over one kept-alive connection. Node closes a connection idle for
 * 5 s: a fleet reporting less often reconnected for every fix, and a report sent as the server closed its connection
 * failed (ECONNRESET; bench:doors with 10,000 devices). 65 s outlasts a minute's interval and a balancer's 60 s idle
 * timeout (so the balancer, not the server, closes first); headers must still come within a second after it.
 */
export function keepDevicesConnected<S extends Server>(server: S): S {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/**
 * Stops a server kept alive by keepDevicesConnected and resolves once its last connection has ended. `close()` ends
 * the idle connections only at the moment it is called: one whose request was in flight then stayed open until its
 * 65 s keep-alive expired after the answer, and a restart waited over a minute (console.e2e's restart under CI load).
 * So every connection that goes idle while closing is ended too.
 */
export function closeKeptAlive(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((done) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(sweep);
      done();
    });
  });
}

/** The OsmAnd paths of the API port; every other request goes to `next` (the express application). */
export const OSMAND_API_PATHS: ReadonlySet<string> = new Set(['/osmand', '/osmand/']);
/** The OsmAnd port: at `/` (what the apps post to when given `http://host:5055`) and at `/osmand`. */
export const OSMAND_PORT_PATHS: ReadonlySet<string> = new Set(['/', '/osmand', '/osmand/']);

/** Serves the OsmAnd paths with `door` and hands every other request to `next`. */
export function osmandAhead(door: RequestListener, next: RequestListener): RequestListener {
  return (req, res) => {
    const url = req.url ?? '';
    const path = url.startsWith('/osmand') ? url.split('?', 1)[0]! : '';
    if (OSMAND_API_PATHS.has(path)) door(req, res);
    else next(req, res);
  };
}

async function handle(deps: OsmandDeps, req: IncomingMessage, path: string, search: string, paths: ReadonlySet<string>): Promise<OsmandAnswer> {
  const receivedAt = new Date();
  if (!paths.has(path) || (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD')) {
    throw new HttpError(404, `no route ${req.method} ${path}`);
  }
  const body = await readBody(req);
  const positions = parseOsmandRequest({ query: parseQueryString(search), body }, receivedAt);
  const vehicleIds = await Promise.all(positions.map((p) => deps.devices.vehicleFor(p.deviceId)));
  const unknown = positions.find((_p, i) => vehicleIds[i] === null);
  if (unknown) {
    deps.log.debug({ deviceId: unknown.deviceId, ip: req.socket.remoteAddress }, 'position from an unknown device refused');
    throw new HttpError(404, `unknown device id ${unknown.deviceId}: an admin binds it to a vehicle (PUT /api/vehicles/{id}/device)`);
  }
  // An invalid fix is acknowledged, not stored: a client would otherwise resend it forever.
  const valid = positions.flatMap((p, i) =>
    p.valid
      ? [{
          vehicleId: vehicleIds[i]!,
          lon: p.lon,
          lat: p.lat,
          speedMps: p.speedMps,
          headingDeg: p.headingDeg,
          accuracyM: p.accuracyM,
          deviceTime: p.deviceTime,
          receivedAt,
          source: 'osmand',
        }]
      : [],
  );
  if (valid.length > 0) await deps.ingestor.addMany(valid);
  return { stored: valid.length, ignoredInvalid: positions.length - valid.length };
}

/**
 * The body as the express parsers gave it: an urlencoded form as parameters, JSON (objects and arrays only) as a
 * value, an empty JSON body as `{}`; any other type is not read (undefined). 413 past the limit, 415 for a charset
 * or an encoding it cannot read, 400 for malformed JSON.
 */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const contentType = req.headers['content-type'];
  if (!contentType || (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)) return undefined;
  const [media, ...params] = contentType.split(';');
  const type = media!.trim().toLowerCase();
  const form = type === 'application/x-www-form-urlencoded';
  if (!form && type !== 'application/json') return undefined;
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";]*)"?\s*$/i.exec(p)?.[1]?.toLowerCase()).find(Boolean) ?? 'utf-8';
  if (!(charset === 'utf-8' || (form && charset === 'iso-8859-1') || (!form && charset.startsWith('utf-')))) {
    throw new HttpError(415, `content-type: unsupported charset "${charset.toUpperCase()}"`);
  }
  const limit = form ? FORM_LIMIT : JSON_LIMIT;
  const raw = await inflated(await readAll(req, limit), String(req.headers['content-encoding'] ?? 'identity').toLowerCase(), limit);
  const text = raw.toString(charset === 'iso-8859-1' ? 'latin1' : 'utf8');
  if (form) {
    if (text.length === 0) return {};
    if (text.split('&', PARAMETER_LIMIT + 1).length > PARAMETER_LIMIT) throw new HttpError(413, 'body: too many parameters');
    return parseQueryString(text, '&', '=', { maxKeys: PARAMETER_LIMIT });
  }
  const start = /\S/.exec(text);
  if (!start) return {};
  // JSON's strict mode: an object or an array, never a bare value.
  if (start[0] !== '{' && start[0] !== '[') throw new HttpError(400, 'malformed JSON body');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'malformed JSON body');
  }
}

const tooLarge = () => new HttpError(413, 'request entity too large');

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function inflated(raw: Buffer, encoding: string, limit: number): Promise<Buffer> {
  if (encoding === 'identity') return Promise.resolve(raw);
  const method = encoding === 'gzip' ? gunzip : encoding === 'deflate' ? inflate : null;
  if (!method) return Promise.reject(new HttpError(415, `content-encoding: unsupported "${encoding}"`));
  return new Promise((resolve, reject) =>
    method(raw, { maxOutputLength: limit }, (error, out) => {
      if (!error) resolve(out);
      else reject(error instanceof RangeError ? tooLarge() : new HttpError(400, `content-encoding: the body is not valid ${encoding}`));
    }),
  );
}

/** A 503's advice: the backlog of an overloaded ingest is bounded to a few seconds (ingestPositions maxWaitMs). */
const RETRY_AFTER_S = 2;

function send(res: ServerResponse, status: number, answer: object): void {
  const json = JSON.stringify(answer);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...(status === 503 ? { 'retry-after': String(RETRY_AFTER_S) } : {}),
  });
  res.end(json);
}

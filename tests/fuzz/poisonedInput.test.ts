import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { z } from 'zod';
import { AgentPositionBatch, fixProblem, PROTOCOL_VERSION, SendMessageRequest, StatusReport, StuckEventReport } from '@dispatch/protocol';
import { parseNmeaSentence, withChecksum } from '@dispatch/vehicle-agent/gps/nmea';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { fuzzOf, hostileText, hostileValue, validOf, type JsonSchema, type Resolve } from './schemaArbitrary';

/**
 * Poisoned input against the real server (real PostgreSQL, Redis, sockets), generated from the schemas: every
 * REST operation of the OpenAPI document (itself generated from the zod request schemas), every crew socket event
 * (from the protocol's zod schemas), OsmAnd query strings and JSON bodies on both ports, and NMEA sentences as a
 * crew agent would forward them. Mostly hostile values, some valid ones. No answer may be a 5xx, a refused input
 * must store nothing, and the server must still answer afterwards.
 *
 * FUZZ_LONG=1 runs 100,000 cases instead of 10,000; FUZZ_SEED=n replays a run (the seed is printed).
 */
const LONG = process.env.FUZZ_LONG === '1';
const TOTAL = Number(process.env.FUZZ_CASES ?? (LONG ? 100_000 : 10_000));
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 16;
/** The share of the cases each kind of input gets. */
const SHARE = { rest: 0.6, socket: 0.2, osmand: 0.15, nmea: 0.05 };

interface Outcome {
  /** HTTP status, or the status in a socket acknowledgement (200 for ok: true). */
  status: number;
  error?: string;
}
interface Case {
  kind: keyof typeof SHARE;
  what: string;
  /** A read (GET, a resync): it must store nothing whatever it answers. */
  read?: boolean;
  run(): Promise<Outcome>;
}
interface Failure {
  kind: string;
  what: string;
  status: number | string;
  error?: string;
}

type Principal = 'admin' | 'supervisor' | 'dispatcher' | 'crew' | 'hospital';

describe('poisoned input (property-based, generated from the schemas)', () => {
  let server: DemoServer;
  const tokens = {} as Record<Principal, string>;
  const sockets = {} as Record<'crew' | 'dispatcher' | 'hospital', Socket>;
  let osmandPort = 0;
  let document: any;
  const ids = {} as Record<'vehicle' | 'otherVehicle' | 'station' | 'hospital' | 'incident' | 'assignment' | 'user', string>;
  const device = 'fuzz-device-1';

  beforeAll(async () => {
    // No deadline may fire during the run: a re-offer would store rows behind a refused request's back.
    server = await startDemoServer({ ACK_TIMEOUT_S: '86400', HOSPITAL_ACK_TIMEOUT_S: '86400' });
    const logins = server.logins;
    const crew = logins.crews[0]!.username;
    const hospital = logins.hospitals[0]!.username;
    for (const [p, username] of Object.entries({ admin: logins.admin, supervisor: logins.supervisor, dispatcher: logins.dispatcher, crew, hospital })) {
      tokens[p as Principal] = (await server.as(username)).token;
    }
    const admin = (await server.as(logins.admin)).api;
    const dispatcher = (await server.as(logins.dispatcher)).api;
    const me = await (await server.as(crew)).api.call('me');
    ids.vehicle = me.vehicleId!;
    ids.station = (await admin.call('listStations'))[0]!.id;
    // Device bindings are fuzzed on another vehicle, so the OsmAnd cases keep reaching a bound device.
    ids.otherVehicle = (await admin.call('listVehicles')).find((v) => v.id !== ids.vehicle)!.id;
    ids.hospital = (await admin.call('listHospitals')).find((h) => h.name === logins.hospitals[0]!.name)!.id;
    // A login the fuzzer may disable or reset without locking itself out.
    ids.user = (await admin.call('createUser', { body: { username: 'fuzz-victim', displayName: 'Fuzz', password: 'a long enough password', role: 'dispatcher' } })).id;
    const incident = await dispatcher.call('createIncident', { body: { location: { lon: 111.913, lat: 37.027 }, category: 'trauma', priority: 2 } });
    ids.incident = incident.id;
    ids.assignment = (await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: ids.vehicle } })).assignment?.id;
    await admin.call('bindVehicleDevice', { params: { id: ids.vehicle }, body: { deviceId: device } });
    osmandPort = (await server.app.positions.osmandServer())!.port;
    document = (await admin.send('openApi')).body;
    for (const p of ['crew', 'dispatcher', 'hospital'] as const) sockets[p] = await openSocket(tokens[p]);
    for (const [k, v] of Object.entries(ids)) if (!v) throw new Error(`setup: no ${k} id`);
  });
  afterAll(async () => {
    for (const s of Object.values(sockets)) s?.close();
    await server?.close();
  });

  function openSocket(token: string): Promise<Socket> {
    const socket = connect(server.baseUrl, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('session.welcomed', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  /** Rows of every table a request can write, audit and login bookkeeping aside (a refused login is audited on purpose). */
  let footprintSql: string | undefined;
  async function footprint(): Promise<string> {
    footprintSql ??= await footprintQuery();
    const { rows } = await server.database.db.query(footprintSql);
    return JSON.stringify(rows[0]);
  }

  async function footprintQuery(): Promise<string> {
    const tables = (
      await server.database.db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname NOT IN ('audit_log', 'schema_migrations', 'sessions', 'login_failures', 'outbox')
           AND c.relname NOT LIKE 'road%' AND c.relname NOT LIKE '%throttle%' AND c.relname <> 'spatial_ref_sys' ORDER BY 1`,
      )
    ).rows.map((r) => r.name);
    return `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`;
  }

  // ---- REST, from the OpenAPI document ---------------------------------------------------------------------------

  function restCases(budget: number, seed: number): Case[] {
    const resolve: Resolve = (ref) => ref.split('/').slice(1).reduce((o: any, k) => o[k], document);
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods)
        // Logging out would end the fuzzer's own session; it takes no input to poison.
        .filter(([method]) => !(path === '/api/auth/logout' && method === 'post'))
        .map(([method, op]) => ({ path, method, op })),
    );
    const perOperation = Math.max(1, Math.floor(budget / operations.length));
    return operations.flatMap(({ path, method, op }, i) => {
      const parameters: any[] = op.parameters ?? [];
      const query = parameters.filter((p) => p.in === 'query');
      const bodySchema: JsonSchema | undefined = op.requestBody?.content?.['application/json']?.schema;
      const principal = principalFor(op['x-roles'] as string[] | undefined);
      const arbitrary = fc.record({
        id: fc.oneof({ weight: 4, arbitrary: fc.constant(realIdFor(path)) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileText.filter((t) => t.length < 5000) }),
        query: fc.tuple(...query.map((p) => fc.option(fc.oneof(validOf(p.schema, resolve), hostileValue), { nil: undefined, freq: p.required ? 10 : 3 }))),
        body: bodySchema ? fuzzOf(bodySchema, resolve) : fc.option(fuzzOf({ type: 'object', properties: { x: { type: 'string' } } }), { nil: undefined }),
        raw: fc.option(fc.constantFrom('{"a":', '[1,2', '\u0000', 'null', '"str"', '{"__proto__":{"x":1}}', `{"a":"${'x'.repeat(2_000_000)}"}`), { freq: 10 }),
        wrongPrincipal: fc.option(fc.constantFrom<Principal | 'none' | 'forged'>('crew', 'hospital', 'none', 'forged'), { freq: 10 }),
      });
      return fc.sample(arbitrary, { numRuns: perOperation, seed: seed + i }).map((c): Case => {
        const url = new URL(server.baseUrl + path.replace('{id}', encodePathSegment(c.id)));
        query.forEach((p, k) => {
          const v = c.query[k];
          if (v !== undefined) url.searchParams.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
        });
        const who = c.wrongPrincipal ?? principal;
        const auth: Record<string, string> = who === 'none' ? {} : { authorization: `Bearer ${who === 'forged' ? `${tokens.admin.slice(0, -4)}AAAA` : tokens[who]}` };
        const body = method === 'get' || method === 'delete' ? undefined : (c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body.value)));
        return {
          kind: 'rest',
          read: method === 'get',
          what: `${method.toUpperCase()} ${url.pathname}${url.search.slice(0, 200)} as ${who} body ${preview(body)}`,
          run: async () => {
            const res = await fetch(url, { method: method.toUpperCase(), headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body });
            const text = await res.text();
            return { status: res.status, error: res.status >= 400 ? errorOf(text) : undefined };
          },
        };
      });
    });
  }

  function principalFor(roles: string[] | undefined): Principal {
    const allowed = new Set((roles ?? ['admin']).map((r) => r.split(':')[0]));
    return (['admin', 'supervisor', 'dispatcher', 'crew', 'hospital'] as const).find((p) => allowed.has(p)) ?? 'admin';
  }

  function realIdFor(path: string): string {
    if (path.startsWith('/api/stations')) return ids.station;
    if (path.endsWith('/device')) return ids.otherVehicle;
    if (path.startsWith('/api/vehicles')) return ids.vehicle;
    if (path.startsWith('/api/hospitals')) return ids.hospital;
    if (path.startsWith('/api/incidents')) return ids.incident;
    if (path.startsWith('/api/assignments')) return ids.assignment;
    if (path.startsWith('/api/users')) return ids.user;
    return '00000000-0000-4000-8000-000000000000';
  }

  // ---- crew and console sockets, from the protocol's zod schemas ---------------------------------------------------

  function socketCases(budget: number, seed: number): Case[] {
    const status = z.toJSONSchema(StatusReport, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const positions = z.toJSONSchema(AgentPositionBatch, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const stuck = z.toJSONSchema(StuckEventReport, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const message = z.toJSONSchema(SendMessageRequest, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const arbitrary = fc.oneof(
      fc.record({
        event: fc.constant('status.reported'),
        from: fc.constantFrom('crew', 'crew', 'dispatcher', 'hospital'),
        payload: fc
          .tuple(fuzzOf(status), fc.oneof({ weight: 4, arbitrary: fc.constant(ids.assignment) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileValue }))
          .map(([r, assignmentId]) => (r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value) ? { ...r.value, assignmentId } : r.value)),
      }),
      fc.record({ event: fc.constant('positions.reported'), from: fc.constantFrom('crew', 'crew', 'crew', 'dispatcher'), payload: fuzzOf(positions).map((p) => p.value) }),
      fc.record({ event: fc.constant('outbox.stuck'), from: fc.constantFrom('crew', 'crew', 'hospital'), payload: fuzzOf(stuck).map((p) => p.value) }),
      fc.record({
        event: fc.constant('message.sent'),
        from: fc.constantFrom('crew', 'crew', 'dispatcher', 'hospital'),
        payload: fc
          .tuple(fuzzOf(message), fc.oneof({ weight: 4, arbitrary: fc.constant(ids.assignment) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileValue }))
          .map(([r, assignmentId]) => (r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value) ? { ...r.value, assignmentId } : r.value)),
      }),
      fc.record({ event: fc.constantFrom('status.reported', 'positions.reported', 'session.resynced', 'outbox.stuck', 'message.sent'), from: fc.constantFrom('crew', 'dispatcher'), payload: hostileValue }),
    );
    return fc.sample(arbitrary, { numRuns: budget, seed }).map((c) => ({
      kind: 'socket',
      read: c.event === 'session.resynced',
      what: `${c.event} from ${c.from}: ${preview(JSON.stringify(c.payload))}`,
      run: () => emit(c.from as keyof typeof sockets, c.event, c.payload),
    }));
  }

  async function emit(from: keyof typeof sockets, event: string, payload: unknown): Promise<Outcome> {
    if (!sockets[from].connected) sockets[from] = await openSocket(tokens[from]);
    if (event === 'session.resynced') {
      // Its only argument is the acknowledgement: junk there gets no answer, so ask properly afterwards.
      sockets[from].emit('session.resynced', payload as never);
      payload = undefined;
    }
    try {
      const socket = sockets[from].timeout(10_000);
      const answer = (await (payload === undefined ? socket.emitWithAck('session.resynced') : socket.emitWithAck(event as 'status.reported', payload as never))) as { ok?: boolean; status?: number; error?: string; protocolVersion?: number };
      if (event === 'session.resynced') return { status: answer?.protocolVersion ? 200 : 0 };
      return { status: answer?.ok ? 200 : (answer?.status ?? 0), error: answer?.error };
    } catch {
      // socket.io closes a connection whose frame exceeds maxHttpBufferSize: a refusal, not a fault.
      if (!sockets[from].connected) return { status: 413, error: 'connection closed by the server (payload too large)' };
      return { status: 0, error: 'no acknowledgement within 10 s' };
    }
  }

  // ---- OsmAnd / Traccar: query strings, urlencoded and JSON bodies, on the API port and the OsmAnd port ------------

  function osmandCases(budget: number, seed: number): Case[] {
    const now = () => Math.floor(Date.now() / 1000);
    const num = (min: number, max: number): JsonSchema => ({ type: 'number', minimum: min, maximum: max });
    const params: JsonSchema = {
      type: 'object',
      properties: {
        id: { enum: [device, device, 'unknown-device'] },
        lat: num(-90, 90),
        lon: num(-180, 180),
        timestamp: { type: 'integer', minimum: now() - 3 * 86400, maximum: now() + 60 },
        speed: num(0, 200),
        bearing: num(0, 360),
        altitude: num(-400, 9000),
        accuracy: num(0, 1000),
        hdop: num(0, 50),
        batt: num(0, 100),
        charge: { type: 'boolean' },
        valid: { type: 'boolean' },
      },
      required: ['id', 'lat', 'lon', 'timestamp'],
    };
    const location: JsonSchema = {
      type: 'object',
      properties: {
        timestamp: { type: 'string', format: 'date-time' },
        coords: { type: 'object', properties: { latitude: num(-90, 90), longitude: num(-180, 180), speed: num(-1, 100), heading: num(-1, 360), accuracy: num(-1, 1000), altitude: num(-400, 9000) }, required: ['latitude', 'longitude'] },
        battery: { type: 'object', properties: { level: num(-1, 1), is_charging: { type: 'boolean' } } },
        is_moving: { type: 'boolean' },
        odometer: num(0, 1e7),
      },
      required: ['coords'],
    };
    const json: JsonSchema = { type: 'object', properties: { device_id: { enum: [device, 'unknown-device'] }, location: { anyOf: [location, { type: 'array', items: location, minItems: 1, maxItems: 5 }] } }, required: ['device_id', 'location'] };
    const arbitrary = fc.record({
      shape: fc.constantFrom('get', 'post-query', 'post-form', 'post-json', 'raw-query'),
      port: fc.constantFrom('api', 'osmand'),
      params: fuzzOf(params),
      json: fuzzOf(json),
      raw: fc.oneof(hostileText, fc.constantFrom('id=%zz&lat=%&lon=1', 'id&lat&lon', '?&&&=', 'id[]=1&id[]=2&lat=37&lon=112', 'location=37,112,5&id=1', 'a'.repeat(20_000))),
    });
    return fc.sample(arbitrary, { numRuns: budget, seed }).map((c) => {
      const base = c.port === 'api' ? `${server.baseUrl}/osmand` : `http://127.0.0.1:${osmandPort}/`;
      const query = toQuery(c.params.value);
      let url = base;
      let init: RequestInit = { method: 'GET' };
      if (c.shape === 'get') url = `${base}?${query}`;
      else if (c.shape === 'raw-query') url = `${base}?${c.raw.replace(/[#\s]/g, encodeURIComponent)}`;
      else if (c.shape === 'post-query') [url, init] = [`${base}?${query}`, { method: 'POST' }];
      else if (c.shape === 'post-form') init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query };
      else init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.json.value) };
      return {
        kind: 'osmand' as const,
        what: `${init.method} ${url.slice(0, 300)} ${preview(init.body as string | undefined)}`,
        run: async () => {
          const res = await fetch(url, init).catch((e: Error) => ({ status: 0, text: async () => e.message }));
          const text = await res.text();
          return { status: res.status, error: res.status >= 400 ? errorOf(text) : undefined };
        },
      };
    });
  }

  // ---- NMEA 0183 as an in-vehicle receiver sends it, forwarded by the crew agent -----------------------------------

  function nmeaCases(budget: number, seed: number): Case[] {
    const pad = (n: number, w: number) => String(Math.trunc(n)).padStart(w, '0');
    const coordinate = (v: number, degreeDigits: number) => `${pad(Math.abs(v), degreeDigits)}${(((Math.abs(v) % 1) * 60).toFixed(4)).padStart(7, '0')}`;
    const arbitrary = fc.record({
      talker: fc.constantFrom('GP', 'GN', 'BD', 'GL', 'GA', 'XX'),
      type: fc.constantFrom('RMC', 'GGA'),
      at: fc.oneof(fc.integer({ min: -86_400_000, max: 60_000 }).map((d) => Date.now() + d), fc.date({ noInvalidDate: true }).map((d) => d.getTime())),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      knots: fc.double({ min: 0, max: 300, noNaN: true }),
      course: fc.double({ min: 0, max: 720, noNaN: true }),
      corrupt: fc.option(fc.tuple(fc.nat(14), fc.oneof(hostileText.map((t) => t.slice(0, 200)), fc.string({ maxLength: 12 }))), { freq: 2 }),
      checksum: fc.constantFrom('good', 'good', 'good', 'bad', 'none'),
    });
    return fc.sample(arbitrary, { numRuns: budget, seed }).map((c) => {
      const d = new Date(c.at);
      const time = `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.00`;
      const date = `${pad(d.getUTCDate(), 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCFullYear() % 100, 2)}`;
      const [latH, lonH] = [c.lat < 0 ? 'S' : 'N', c.lon < 0 ? 'W' : 'E'];
      const fields =
        c.type === 'RMC'
          ? [`${c.talker}RMC`, time, 'A', coordinate(c.lat, 2), latH, coordinate(c.lon, 3), lonH, c.knots.toFixed(1), c.course.toFixed(1), date, '', '', 'A']
          : [`${c.talker}GGA`, time, coordinate(c.lat, 2), latH, coordinate(c.lon, 3), lonH, '1', '08', '0.9', '545.4', 'M', '46.9', 'M', '', ''];
      if (c.corrupt) fields[c.corrupt[0] % fields.length] = c.corrupt[1];
      const body = fields.join(',');
      const line = c.checksum === 'good' ? withChecksum(body) : c.checksum === 'bad' ? `$${body}*00` : `$${body}`;
      return {
        kind: 'nmea' as const,
        what: `NMEA ${JSON.stringify(line).slice(0, 300)}`,
        run: async () => {
          const parsed = parseNmeaSentence(line, { date: new Date().toISOString().slice(0, 10) });
          if (!parsed.ok) return { status: 400, error: `agent: ${parsed.code}` };
          const { lon, lat, speedMps, headingDeg, deviceTime } = parsed.fix;
          const answer = await emit('crew', 'positions.reported', [{ lon, lat, speedMps: speedMps === null ? null : Math.min(speedMps, 100), headingDeg, deviceTime }]);
          // The agent and the server apply the same rule (protocol's fixProblem): they must agree.
          const agentRefuses = fixProblem({ lon, lat, deviceTime }) !== null;
          if (agentRefuses && answer.status < 400) return { status: 0, error: `the server stored a fix the agent refuses: ${JSON.stringify(parsed.fix)}` };
          return answer;
        },
      };
    });
  }

  it(`answers ${TOTAL} generated hostile and valid inputs without a 5xx, stores nothing it refused, and keeps running`, { timeout: LONG ? 3_600_000 : 600_000 }, async () => {
    const started = performance.now();
    const cases = [
      ...restCases(Math.round(TOTAL * SHARE.rest), SEED),
      ...socketCases(Math.round(TOTAL * SHARE.socket), SEED + 1000),
      ...osmandCases(Math.round(TOTAL * SHARE.osmand), SEED + 2000),
      ...nmeaCases(Math.round(TOTAL * SHARE.nmea), SEED + 3000),
    ];
    const generatedMs = performance.now() - started;
    // Shuffled (deterministically) so that each chunk mixes routes, events and ports.
    const order = fc.sample(fc.shuffledSubarray(cases.map((_c, i) => i), { minLength: cases.length }), { numRuns: 1, seed: SEED })[0]!;
    const failures: Failure[] = [];
    const statuses: Record<string, number> = {};
    const timing: Record<string, number> = {};
    let checkedChunks = 0;
    let chunks = 0;
    for (let at = 0; at < order.length; at += CONCURRENCY) {
      const chunk = order.slice(at, at + CONCURRENCY).map((i) => cases[i]!);
      const before = await footprint();
      const outcomes = await Promise.all(
        chunk.map(async (c) => {
          const t0 = performance.now();
          const outcome = await c.run().catch((e: Error) => ({ status: 0, error: `threw: ${e.message}` }));
          const key = c.what.split(/[ ?]/).slice(0, 2).join(' ').replace(/[0-9a-f-]{36}/g, '{id}').slice(0, 60);
          timing[key] = (timing[key] ?? 0) + performance.now() - t0;
          return outcome;
        }),
      );
      chunks++;
      outcomes.forEach((o, i) => {
        const c = chunk[i]!;
        statuses[`${c.kind} ${o.status}`] = (statuses[`${c.kind} ${o.status}`] ?? 0) + 1;
        if (o.status >= 500 || o.status === 0) failures.push({ kind: c.kind, what: c.what, status: o.status, error: o.error });
      });
      // A chunk where every input was refused or only read says "nothing stored" on its own (others may store rightly).
      if (outcomes.every((o, i) => chunk[i]!.read || (o.status >= 400 && o.status < 500))) {
        checkedChunks++;
        const after = await footprint();
        if (after !== before) failures.push({ kind: 'stored', what: chunk.map((c, i) => `${outcomes[i]!.status} ${c.what}`).join('\n'), status: 'rows changed', error: `${before} → ${after}` });
      }
    }
    const health = await fetch(`${server.baseUrl}/api/health`);
    const osmandAlive = await fetch(`http://127.0.0.1:${osmandPort}/?id=${device}&lat=37.02&lon=111.91`);
    const summary = {
      fuzz: 'poisoned input',
      seed: SEED,
      cases: cases.length,
      byKind: Object.fromEntries(Object.keys(SHARE).map((k) => [k, cases.filter((c) => c.kind === k).length])),
      chunksCheckedForNothingStored: `${checkedChunks}/${chunks}`,
      failures: failures.length,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      generationSeconds: Math.round(generatedMs / 100) / 10,
      statuses,
      slowest: Object.entries(timing).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, ms]) => `${k}: ${Math.round(ms)} ms`),
    };
    console.log(JSON.stringify(summary));
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ summary, failures }, null, 1));
    expect(failures.slice(0, 20), `replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(health.status).toBe(200);
    // Alive is answering at all: the run may have re-bound or unbound the device (404 then).
    expect(osmandAlive.status).toBeGreaterThanOrEqual(200);
    expect(osmandAlive.status).toBeLessThan(500);
    expect(sockets.dispatcher.connected || (await openSocket(tokens.dispatcher)).connected).toBe(true);
  });
});

/** Percent-encoded; an unpaired surrogate (which encodeURIComponent refuses) becomes an invalid UTF-8 sequence. */
function encodePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.split(/([\ud800-\udfff])/).map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part))).join('');
  }
}

function toQuery(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `id=${encodePathSegment(String(value))}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) q.append(k, typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  return q.toString();
}

function errorOf(text: string): string {
  try {
    return String((JSON.parse(text) as { error?: unknown }).error);
  } catch {
    return text.slice(0, 200);
  }
}

function preview(text: string | undefined): string {
  if (text === undefined) return '-';
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

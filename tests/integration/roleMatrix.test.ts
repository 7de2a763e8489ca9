import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION } from '@dispatch/protocol';
import { socketActions } from '@dispatch/server/policies/policies';
import { io as connect, type Socket } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../support/demoServer';
import { serverSuite } from '../support/demoSuite';

/**
 * Every route of the OpenAPI document and every client→server socket event of the protocol, tried by every kind
 * of caller against real resources of the demo county, compared with ONE table of who may do what. A route or an
 * event without a row in the table fails the test, and so does a route the server answers that the document lacks.
 */

const callers = ['dispatcher', 'supervisor', 'admin', 'ownCrew', 'otherCrew', 'ownHospital', 'otherHospital', 'telephony', 'none'] as const;
type Caller = (typeof callers)[number];

const staff: Caller[] = ['dispatcher', 'supervisor', 'admin'];
const managers: Caller[] = ['supervisor', 'admin'];
const admin: Caller[] = ['admin'];
// People signed in: the phone system's login (telephony) reaches its own session and the call reports only.
const signedIn: Caller[] = callers.filter((c) => c !== 'none' && c !== 'telephony');
const anyone: Caller[] = [...callers];
// A patient's consultation: the task's crew, its receiving hospital, dispatchers and supervisors (not administrators).
const consultationParties: Caller[] = ['dispatcher', 'supervisor', 'ownCrew', 'ownHospital'];

/** Who may call each route. "own" crew / hospital: the one the resource in the path (or body) belongs to. */
const mayCall: Record<string, Caller[]> = {
  'GET /api/health': anyone,
  'GET /api/config': anyone,
  'GET /api/openapi.json': anyone,
  'POST /api/auth/login': anyone,
  'GET /osmand': anyone,
  'POST /osmand': anyone,
  'GET /api/auth/me': [...signedIn, 'telephony'],
  'POST /api/auth/password': [...signedIn, 'telephony'],
  'POST /api/auth/logout': [...signedIn, 'telephony'],
  'GET /api/roads': signedIn,
  'GET /api/roads/region': signedIn,
  'GET /api/route': signedIn,
  'GET /api/places': signedIn,
  'GET /api/places/nearest': signedIn,
  'GET /api/centres': signedIn,
  'GET /api/stations': signedIn,
  'GET /api/stations/{id}': signedIn,
  'POST /api/stations': admin,
  'PUT /api/stations/{id}': admin,
  'DELETE /api/stations/{id}': admin,
  'GET /api/hospitals': signedIn,
  'GET /api/hospitals/{id}': signedIn,
  'POST /api/hospitals': admin,
  'PUT /api/hospitals/{id}': admin,
  'DELETE /api/hospitals/{id}': admin,
  'PUT /api/hospitals/{id}/load': [...staff, 'ownHospital'],
  'GET /api/vehicles': staff,
  'GET /api/vehicles/{id}': [...staff, 'ownCrew'],
  'POST /api/vehicles': admin,
  'PUT /api/vehicles/{id}': managers,
  'DELETE /api/vehicles/{id}': admin,
  'PUT /api/vehicles/{id}/device': admin,
  'GET /api/vehicles/{id}/assignment': [...staff, 'ownCrew'],
  'GET /api/users': managers,
  'POST /api/users': admin,
  'PUT /api/users/{id}/disabled': admin,
  'POST /api/users/{id}/password-reset': admin,
  'PUT /api/users/{id}/centre': admin,
  'GET /api/crew-members': staff,
  'POST /api/crew-members': managers,
  'DELETE /api/crew-members/{id}': managers,
  'GET /api/shifts': staff,
  'POST /api/shifts': managers,
  'DELETE /api/shifts/{id}': managers,
  'GET /api/pages/stations': signedIn,
  'GET /api/pages/vehicles': staff,
  'GET /api/pages/hospitals': signedIn,
  'GET /api/pages/users': managers,
  'GET /api/pages/crew-members': staff,
  'GET /api/coverage/catchments': staff,
  'GET /api/coverage/isochrones': staff,
  'GET /api/coverage/summary': staff,
  'GET /api/coverage/live': staff,
  'GET /api/move-up/suggestions': staff,
  'POST /api/vehicles/{id}/reposition': staff,
  'GET /api/vehicles/{id}/reposition': [...staff, 'ownCrew'],
  'POST /api/vehicles/{id}/reposition/status': [...staff, 'ownCrew'],
  'GET /api/incidents': staff,
  'POST /api/incidents': staff,
  'GET /api/incidents/{id}': staff,
  'GET /api/incidents/{id}/timeline': staff,
  'GET /api/incidents/{id}/recommendations': staff,
  'GET /api/incidents/{id}/etimes': staff,
  'GET /api/incidents/{id}/eido': staff,
  'POST /api/incidents/{id}/assignments': staff,
  'POST /api/incidents/{id}/cancel': staff,
  'POST /api/incidents/{id}/close': staff,
  'GET /api/assignments/{id}': [...staff, 'ownCrew'],
  'POST /api/assignments/{id}/status': [...staff, 'ownCrew'],
  'POST /api/assignments/{id}/cancel': staff,
  'PUT /api/assignments/{id}/destination': [...staff, 'ownCrew'],
  'PUT /api/assignments/{id}/vitals': [...staff, 'ownCrew'],
  'POST /api/assignments/{id}/notice': staff,
  'GET /api/notices': [...staff, 'ownHospital', 'otherHospital'],
  'GET /api/notices/{id}': [...staff, 'ownHospital'],
  'POST /api/notices/{id}/acknowledge': ['ownHospital'],
  'GET /api/notices/{id}/fhir': [...staff, 'ownHospital'],
  'GET /api/transfers': [...staff, 'ownHospital', 'otherHospital'],
  'POST /api/transfers': [...staff, 'ownHospital', 'otherHospital'],
  'GET /api/transfers/{id}': [...staff, 'ownHospital'],
  'POST /api/transfers/{id}/accept': ['ownHospital'],
  'POST /api/transfers/{id}/decline': ['ownHospital'],
  'POST /api/transfers/{id}/cancel': [...staff, 'ownHospital'],
  'POST /api/telephony/events': ['telephony'],
  'GET /api/phone-calls': staff,
  'GET /api/incidents/{id}/calls': staff,
  'POST /api/intake/related': staff,
  'POST /api/incidents/{id}/follow-ups': staff,
  'GET /api/alerts': staff,
  'PUT /api/alerts/state': staff,
  'GET /api/assignments/{id}/messages': [...staff, 'ownCrew'],
  'POST /api/assignments/{id}/messages': [...staff, 'ownCrew'],
  'GET /api/assignments/{id}/consultation': consultationParties,
  'GET /api/notices/{id}/consultation': consultationParties,
  'POST /api/assignments/{id}/consultation/messages': consultationParties,
  'POST /api/assignments/{id}/consultation/attachments': consultationParties,
  'GET /api/consultation-attachments/{id}': consultationParties,
  'GET /api/audit': managers,
  'GET /api/reports/quality': managers,
  'GET /api/road-networks': admin,
  'POST /api/road-networks/imports': admin,
  'GET /api/road-networks/imports': admin,
  'PUT /api/road-networks/live': admin,
  'GET /api/settings/road-class-speeds': admin,
  'PUT /api/settings/road-class-speeds': admin,
  'GET /api/settings/category-requirements': admin,
  'PUT /api/settings/category-requirements': admin,
  'POST /api/bulk/preview': admin,
  'POST /api/bulk/commit': admin,
  'GET /api/bulk/export': admin,
  'GET /api/reports/response-times': managers,
  'GET /api/reports/response-times/export': managers,
  'GET /api/reports/incidents': managers,
  'GET /api/incidents/{id}/track': staff,
  'POST /api/register/imports': admin,
  'GET /api/register/residents': managers,
  'POST /api/intake/register': staff,
  'GET /api/incidents/{id}/register': staff,
  'GET /api/assignments/{id}/register': [...staff, 'ownCrew'],
  'GET /api/notices/{id}/register': [...staff, 'ownHospital'],
  'GET /api/register/follow-ups': managers,
  'POST /api/register/follow-ups/sent': managers,
};

/** Who may send each client→server socket event (positions: every crew, each for its own vehicle). */
/** Transfers of the own hospital: one it sends (read, cancel) and one it receives (accept, decline), both with a third hospital. */
const transferIds = { outgoing: '', incoming: '' };

const maySend: Record<string, Caller[]> = {
  'session.resynced': [...signedIn, 'telephony'],
  'status.reported': [...staff, 'ownCrew'],
  'positions.reported': ['ownCrew', 'otherCrew'],
  'outbox.stuck': ['ownCrew', 'otherCrew'],
  'message.sent': [...staff, 'ownCrew'],
};

/** Routes that end the caller's session run after everything else. */
const endsSession = new Set(['POST /api/auth/logout']);

interface Operation {
  security?: unknown[];
  'x-roles'?: string[];
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/**
 * The callers an `x-roles` list admits: `crew` is every crew, `crew:own-vehicle` only the vehicle's own, except on
 * a list (no `{id}`), which every crew or hospital may call and which answers with its own entries only.
 */
function callersOf(path: string, op: Operation): Caller[] {
  if (op.security?.length === 0) return anyone;
  const list = !path.includes('{id}');
  return (op['x-roles'] ?? []).flatMap((r): Caller[] => {
    if (r === 'crew' || (list && r === 'crew:own-vehicle')) return ['ownCrew', 'otherCrew'];
    if (r === 'hospital' || (list && r === 'hospital:own-hospital')) return ['ownHospital', 'otherHospital'];
    if (r === 'crew:own-vehicle') return ['ownCrew'];
    if (r === 'hospital:own-hospital') return ['ownHospital'];
    return [r as Caller];
  });
}

/** The routes the running server answers, walked from its express router (not from any list). */
function servedRoutes(server: DemoServer): string[] {
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: unknown };
  const app = server.app.web as unknown as { router: { stack: Layer[] } };
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') return []; // the web apps' catch-all (a regular expression)
        const path = (prefix + layer.route.path).replace(/\/$/, '').replace(/:(\w+)/g, '{$1}');
        // `_all`: the malformed-id guard, which answers on every method of documented paths only.
        return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
      }
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return layer.handle.stack ? walk(layer.handle.stack, prefix + mount) : [];
    });
  return [...new Set(walk(app.router.stack, ''))];
}

/** Runs the tasks with at most `width` in flight (a two-core machine shared with other test files). */
async function inParallel<T>(tasks: (() => Promise<T>)[], width = 32): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** The client→server events declared in the protocol's events module. */
function protocolClientEvents(): string[] {
  const source = readFileSync(new URL('../../protocol/src/events.ts', import.meta.url), 'utf8');
  const block = /export interface ClientToServerEvents \{([\s\S]*?)\n\}/.exec(source)![1]!;
  return [...block.matchAll(/^\s*'([\w.]+)':/gm)].map((m) => m[1]!);
}

describe('role × route × socket event matrix', () => {
  const server = serverSuite(() => startDemoServer());
  let doc: OpenApi;
  const tokens = {} as Record<Caller, string | null>;
  const ids = {} as Record<'station' | 'vehicle' | 'otherVehicle' | 'hospital' | 'otherHospital' | 'incident' | 'assignment' | 'notice' | 'crewMember' | 'shift' | 'user' | 'attachment', string>;

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(server.baseUrl + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (an empty 204, say)
    }
    return { status: res.status, body: parsed };
  };

  beforeAll(async () => {
    const { logins } = server;
    const [ownCrew, otherCrew] = logins.crews;
    const [ownHospital, otherHospital] = logins.hospitals;
    const usernames: Record<Exclude<Caller, 'none'>, string> = {
      dispatcher: 'dispatcher',
      supervisor: 'supervisor',
      admin: 'admin',
      ownCrew: ownCrew!.username,
      otherCrew: otherCrew!.username,
      ownHospital: ownHospital!.username,
      otherHospital: otherHospital!.username,
      telephony: logins.telephony,
    };
    for (const [caller, username] of Object.entries(usernames)) tokens[caller as Caller] = (await server.as(username)).token;
    tokens.none = null;

    const as = (caller: Caller) => (method: string, path: string, body?: unknown) => call(method, `/api${path}`, tokens[caller], body);
    const dispatcher = as('dispatcher');
    const vehicles = (await dispatcher('GET', '/vehicles')).body as { id: string; callSign: string }[];
    const hospitals = (await dispatcher('GET', '/hospitals')).body as { id: string; name: string }[];
    ids.vehicle = vehicles.find((v) => v.callSign === ownCrew!.callSign)!.id;
    ids.otherVehicle = vehicles.find((v) => v.callSign === otherCrew!.callSign)!.id;
    ids.hospital = hospitals.find((h) => h.name === ownHospital!.name)!.id;
    ids.otherHospital = hospitals.find((h) => h.name === otherHospital!.name)!.id;
    ids.station = (await dispatcher('GET', '/stations')).body[0].id;
    const supervisor = as('supervisor');
    ids.crewMember = (await supervisor('POST', '/crew-members', { name: '王医生', crewRole: 'doctor', phone: '13900000000' })).body.id;
    const hour = 3600_000;
    const shift = { vehicleId: ids.vehicle, startsAt: new Date(Date.now() - hour).toISOString(), endsAt: new Date(Date.now() + 8 * hour).toISOString(), memberIds: [ids.crewMember] };
    ids.shift = (await supervisor('POST', '/shifts', shift)).body.id;
    ids.user = (await as('admin')('POST', '/users', { username: `matrix-${Date.now()}`, displayName: 'matrix', password: 'a long enough password', role: 'dispatcher' })).body.id;
    const incident = await dispatcher('POST', '/incidents', { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2, callerPhone: '13800000000', address: '城区 1 号' });
    expect(incident.status).toBe(201);
    ids.incident = incident.body.id;
    const assignment = await dispatcher('POST', `/incidents/${ids.incident}/assignments`, { vehicleId: ids.vehicle });
    expect(assignment.status).toBe(201);
    ids.assignment = assignment.body.id ?? assignment.body.assignment?.id;
    const notice = await dispatcher('POST', `/assignments/${ids.assignment}/notice`, { hospitalId: ids.hospital });
    expect(notice.status).toBe(201);
    ids.notice = notice.body.id;
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const attachment = await fetch(`${server.baseUrl}/api/assignments/${ids.assignment}/consultation/attachments`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.dispatcher}`, 'content-type': 'image/png' }, body: png,
    });
    expect(attachment.status).toBe(201);
    ids.attachment = ((await attachment.json()) as { id: string }).id;
    const township = hospitals.find((h) => h.name.endsWith('卫生院'))!.id;
    const transfer = (fromHospitalId: string, toHospitalId: string) =>
      dispatcher('POST', '/transfers', { fromHospitalId, toHospitalId, direction: 'up', patientSummary: '转诊患者', needs: [] });
    transferIds.outgoing = (await transfer(ids.hospital, township)).body.id;
    transferIds.incoming = (await transfer(township, ids.hospital)).body.id;
    doc = (await call('GET', '/api/openapi.json', null)).body;
  });

  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })));

  /** The path with the real resource its first segment names. */
  function realPath(path: string, id?: string): string {
    const resource: Record<string, string> = {
      stations: ids.station, vehicles: ids.vehicle, hospitals: ids.hospital, 'crew-members': ids.crewMember, shifts: ids.shift,
      users: ids.user, incidents: ids.incident, assignments: ids.assignment, notices: ids.notice, 'consultation-attachments': ids.attachment,
    };
    const answered = /^\/api\/transfers\/\{id\}\/(accept|decline)$/.test(path);
    return path.replace('{id}', id ?? (answered ? transferIds.incoming : path.startsWith('/api/transfers/') ? transferIds.outgoing : resource[path.split('/')[2]!]!));
  }

  /** A body that passes validation where the ownership check comes after it; `{}` elsewhere. */
  function bodyFor(key: string): unknown {
    const now = new Date().toISOString();
    switch (key) {
      case 'POST /api/assignments/{id}/status':
        return { eventId: randomUUID(), status: 'acknowledged', deviceTime: now };
      case 'PUT /api/assignments/{id}/destination':
        return { hospitalId: ids.hospital };
      case 'PUT /api/assignments/{id}/vitals':
        return { heartRate: 90, measuredAt: now };
      case 'PUT /api/hospitals/{id}/load':
        return { loadStatus: 'yellow' };
      case 'POST /api/vehicles/{id}/reposition/status':
        return { state: 'accepted' };
      case 'POST /api/assignments/{id}/messages':
        return { messageId: randomUUID(), text: '请回电' };
      case 'POST /api/assignments/{id}/consultation/messages':
        return { entryId: randomUUID(), text: '请看心电图' };
      case 'POST /api/transfers/{id}/decline':
      case 'POST /api/transfers/{id}/cancel':
        return { reason: '床位已满' };
      case 'PUT /api/alerts/state':
        return { alertId: `newCall:${ids.incident}`, state: 'acknowledged' };
      default:
        return key.startsWith('GET') ? undefined : {};
    }
  }

  // An allowed call may still be refused for other reasons (400, 404, 409, or 503 from a health check timed out on
  // a busy machine), never as unauthorised nor with an internal error.
  const verdict = (allowed: boolean, caller: Caller, status: number) =>
    allowed ? (status === 401 || status === 403 || status === 500 ? `unexpected ${status}` : 'ok') : status === (caller === 'none' ? 401 : 403) ? 'ok' : `expected ${caller === 'none' ? 401 : 403}, got ${status}`;

  it('has a row in the table for every route of the OpenAPI document, and the document for every route served', () => {
    const documented = operations().map((o) => o.key);
    expect(documented.filter((k) => !(k in mayCall))).toEqual([]);
    expect(Object.keys(mayCall).filter((k) => !documented.includes(k))).toEqual([]);
    expect(servedRoutes(server).filter((k) => !documented.includes(k))).toEqual([]);
  });

  it('prints in the OpenAPI document (x-roles) exactly the callers the table allows', () => {
    const differing = operations()
      .filter((o) => o.key in mayCall && [...callersOf(o.path, o.op)].sort().join() !== [...mayCall[o.key]!].sort().join())
      .map((o) => `${o.key}: document ${callersOf(o.path, o.op).join(',')} table ${mayCall[o.key]!.join(',')}`);
    expect(differing).toEqual([]);
  });

  it('has a row for every client→server socket event of the protocol, each guarded by a policy action', () => {
    const events = protocolClientEvents();
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => !(e in maySend))).toEqual([]);
    expect(events.filter((e) => !(e in socketActions))).toEqual([]);
  });

  it('answers every socket event as the table says, for every caller', async () => {
    const payload = (event: string): unknown[] => {
      const now = new Date().toISOString();
      if (event === 'status.reported') return [{ assignmentId: ids.assignment, eventId: randomUUID(), status: 'en_route', deviceTime: now }];
      if (event === 'positions.reported') return [[{ lon: 111.92, lat: 37.03, deviceTime: now }]];
      if (event === 'message.sent') return [{ assignmentId: ids.assignment, messageId: randomUUID(), text: '收到' }];
      if (event === 'outbox.stuck') return [{ id: randomUUID(), state: 'stuck', kind: 'status', count: 1, assignmentId: ids.assignment, status: 'on_scene', deviceTime: now, httpStatus: 409, error: 'status: illegal step', attempts: 5 }];
      return [];
    };
    const results = await Promise.all(
      callers.map(async (caller) => {
        const socket: Socket = connect(server.baseUrl, {
          auth: { token: tokens[caller] ?? '', protocolVersion: PROTOCOL_VERSION },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        const connected = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error) => resolve(error.message));
        });
        try {
          if (caller === 'none') return connected.startsWith('unauthorized') ? [] : [`socket as none: handshake ${connected}`];
          if (connected !== 'connected') return [`socket as ${caller}: ${connected}`];
          return await Promise.all(
            protocolClientEvents().map(async (event) => {
              const allowedCallers = maySend[event] ?? [];
              const answer = (await socket.timeout(10_000).emitWithAck(event as never, ...(payload(event) as []))) as { ok?: boolean; status?: number };
              const status = answer && answer.ok === false ? answer.status! : 200;
              const outcome = verdict(allowedCallers.includes(caller), caller, status);
              return outcome === 'ok' ? null : `${event} as ${caller}: ${outcome} ${JSON.stringify(answer).slice(0, 160)}`;
            }),
          );
        } finally {
          socket.close();
        }
      }),
    );
    expect(results.flat().filter(Boolean)).toEqual([]);
  });

  it('gives a hospital only its own notices in the list', async () => {
    const listed = async (caller: Caller) => ((await call('GET', '/api/notices', tokens[caller])).body as { id: string }[]).map((n) => n.id);
    expect(await listed('ownHospital')).toContain(ids.notice);
    expect(await listed('otherHospital')).not.toContain(ids.notice);
  });

  it('answers 404 for a malformed id on every route with an id, as a caller allowed there', async () => {
    const withId = operations().filter((o) => o.path.includes('{id}'));
    const answers = await Promise.all(
      withId.map(async ({ key, path, method }) => {
        const caller = mayCall[key]![0]!;
        const { status } = await call(method.toUpperCase(), realPath(path, 'not-a-uuid'), tokens[caller], bodyFor(key));
        return `${key}: ${status}`;
      }),
    );
    expect(answers.filter((a) => !a.endsWith(': 404'))).toEqual([]);
  });

  // Last: it ends every caller's session (logout).
  it('answers every route as the table says, for every caller, on real resources', async () => {
    const ordered = operations().sort((a, b) => Number(endsSession.has(a.key)) - Number(endsSession.has(b.key)));
    const run = (list: typeof ordered) =>
      inParallel(
        list.flatMap(({ key, path, method }) =>
          callers.map((caller) => async () => {
            const { status, body } = await call(method.toUpperCase(), realPath(path), tokens[caller], bodyFor(key));
            const outcome = verdict((mayCall[key] ?? []).includes(caller), caller, status);
            return outcome === 'ok' ? null : `${key} as ${caller}: ${outcome} ${JSON.stringify(body).slice(0, 160)}`;
          }),
        ),
      );
    const wrong = [
      ...(await run(ordered.filter((o) => !endsSession.has(o.key)))),
      ...(await run(ordered.filter((o) => endsSession.has(o.key)))),
    ].filter(Boolean);
    expect(wrong).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api';
import { startDemoServer, type DemoServer } from '../support/demoServer';

const PUBLIC_URL = 'https://dispatch.jiexiu.example';

describe('call intake: weak place names, idempotency keys, replayed status events, exported links', () => {
  let server: DemoServer;
  let dispatcher: ApiClient;
  const count = async () => (await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n as number;
  const iso = () => new Date().toISOString();

  beforeAll(async () => {
    server = await startDemoServer({ PUBLIC_URL });
    dispatcher = (await server.as(server.logins.dispatcher)).api;
  }, 120_000);
  afterAll(() => server.close());

  describe('place names', () => {
    it('refuses a weak match with 422 and the candidates to choose from, storing nothing', async () => {
      const before = await count();
      const res = await dispatcher.post('/incidents', { placeName: 'ab', category: 'trauma', priority: 2 });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/^placeName: "ab" is not a sure match/);
      const candidates = res.body.details.candidates;
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) {
        expect(c).toEqual({
          id: expect.any(String),
          name: expect.any(String),
          nameEn: expect.stringMatching(/ab/i),
          kind: expect.any(String),
          lon: expect.any(Number),
          lat: expect.any(Number),
          synthetic: true,
          score: expect.any(Number),
          town: c.kind === 'village' ? { name: expect.stringMatching(/[镇乡]$/), nameEn: expect.any(String) } : null,
        });
        expect(c.score).toBeLessThan(1);
      }
      expect(await count()).toBe(before);
    });

    it('refuses one character and a stem shared by two villages, listing both villages', async () => {
      expect((await dispatcher.post('/incidents', { placeName: '张', category: 'trauma', priority: 2 })).status).toBe(422);
      const shared = await dispatcher.post('/incidents', { placeName: '中王', category: 'trauma', priority: 2 });
      expect(shared.status).toBe(422);
      expect(shared.body.details.candidates.slice(0, 2).map((c: { name: string }) => c.name).sort()).toEqual(['中王堡', '中王庄']);
    });

    it('takes a unique exact name (any case in English) or a unique long enough prefix', async () => {
      const english = await dispatcher.post('/incidents', { placeName: 'zhongwangbao village', category: 'trauma', priority: 3 });
      expect(english.status).toBe(201);
      expect(english.body.placeName).toBe('中王堡');
      const prefix = await dispatcher.post('/incidents', { placeName: '义棠', category: 'trauma', priority: 3 });
      expect(prefix.status).toBe(201);
      expect(prefix.body.placeName).toBe('义棠镇');
    });

    it('takes the chosen candidate sent back with its location', async () => {
      const refused = await dispatcher.post('/incidents', { placeName: '中王', category: 'stroke', priority: 1 });
      const chosen = refused.body.details.candidates.find((c: { name: string }) => c.name === '中王庄');
      const res = await dispatcher.post('/incidents', {
        placeName: chosen.name,
        location: { lon: chosen.lon, lat: chosen.lat },
        category: 'stroke',
        priority: 1,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ placeName: '中王庄', location: { lon: chosen.lon, lat: chosen.lat } });
    });

    it('matches LIKE wildcards literally: "%" is no place at all', async () => {
      const res = await dispatcher.post('/incidents', { placeName: '%', category: 'trauma', priority: 2 });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^placeName: no place named/);
    });
  });

  describe('Idempotency-Key', () => {
    const call = { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2 };

    it('answers a retry with the same body with the first incident and a different body with 422', async () => {
      const key = `call-${randomUUID()}`;
      const first = await dispatcher.post('/incidents', call, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const retry = await dispatcher.post('/incidents', { ...call }, { 'Idempotency-Key': key });
      expect(retry).toMatchObject({ status: 200, body: { id: first.body.id } });
      const before = await count();
      const other = await dispatcher.post('/incidents', { ...call, priority: 1 }, { 'Idempotency-Key': key });
      expect(other.status).toBe(422);
      expect(other.body.error).toMatch(/^Idempotency-Key: already used for a different call/);
      expect(await count()).toBe(before);
    });

    it('belongs to the login that sent it: another dispatcher with the same key gets a call of its own', async () => {
      const key = `call-${randomUUID()}`;
      const supervisor = (await server.as(server.logins.supervisor)).api;
      const mine = await dispatcher.post('/incidents', call, { 'Idempotency-Key': key });
      const theirs = await supervisor.post('/incidents', call, { 'Idempotency-Key': key });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });
  });

  describe('status events and FHIR links', () => {
    async function dispatchTo(lonLat: { lon: number; lat: number }, skip: string[] = []) {
      const incident = (await dispatcher.post('/incidents', { location: lonLat, category: 'chest_pain', priority: 1 })).body;
      const rec = (await dispatcher.get(`/incidents/${incident.id}/recommendations`)).body;
      const pick = rec.candidates.find((c: { vehicleId: string }) => !skip.includes(c.vehicleId));
      const assigned = await dispatcher.post(`/incidents/${incident.id}/assignments`, { vehicleId: pick.vehicleId });
      expect(assigned.status).toBe(201);
      const crew = await server.as(server.logins.crews.find((c) => c.callSign === pick.callSign)!.username);
      return { vehicleId: pick.vehicleId as string, assignmentId: assigned.body.assignment.id as string, crew: crew.api };
    }

    it('scopes event ids per assignment: the same id on two assignments is two reports, on one a replay', async () => {
      const a = await dispatchTo({ lon: 111.92, lat: 37.03 });
      const b = await dispatchTo({ lon: 111.925, lat: 37.031 }, [a.vehicleId]);
      const eventId = randomUUID();
      const report = { eventId, status: 'acknowledged', deviceTime: iso() };
      const first = await a.crew.post(`/assignments/${a.assignmentId}/status`, report);
      const second = await b.crew.post(`/assignments/${b.assignmentId}/status`, report);
      expect(first.body).toMatchObject({ applied: true, duplicate: false });
      expect(second.body).toMatchObject({ applied: true, duplicate: false, assignment: { status: 'acknowledged' } });
      const replay = await b.crew.post(`/assignments/${b.assignmentId}/status`, { ...report, deviceTime: iso() });
      expect(replay.body).toMatchObject({ applied: false, duplicate: true });
      const stored = await server.database.db.query('SELECT assignment_id FROM status_events WHERE id = $1 ORDER BY seq', [eventId]);
      expect(stored.rows.map((r) => r.assignment_id)).toEqual([a.assignmentId, b.assignmentId]);

      for (const status of ['en_route', 'on_scene', 'transporting']) {
        expect((await a.crew.post(`/assignments/${a.assignmentId}/status`, { eventId: randomUUID(), status, deviceTime: iso() })).status).toBe(200);
      }
      const notice = (await server.database.db.query('SELECT id FROM hospital_notices WHERE assignment_id = $1', [a.assignmentId])).rows[0];
      const token = (await server.as(server.logins.dispatcher)).token;
      // The Host header is the client's to choose; the links in the export are the configured PUBLIC_URL.
      const fhir = await new Promise<any>((resolve, reject) => {
        const url = new URL(`${server.baseUrl}/api/notices/${notice.id}/fhir`);
        request(url, { headers: { host: 'evil.example', authorization: `Bearer ${token}` } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(JSON.parse(body)));
        })
          .on('error', reject)
          .end();
      });
      const header = fhir.entry[0].resource;
      expect(header.source.endpoint).toBe(PUBLIC_URL);
      expect(header.eventCoding.system).toBe(`${PUBLIC_URL}/fhir/message-events`);
      expect(JSON.stringify(fhir)).not.toContain('evil.example');
    });
  });
});

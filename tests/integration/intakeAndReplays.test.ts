import type { CreateIncidentRequest, PlaceCandidateDto, TaskStatus } from '@dispatch/protocol';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';

const PUBLIC_URL = 'https://dispatch.jiexiu.example';

describe('call intake: weak place names, idempotency keys, replayed status events, exported links', () => {
  const { server, clients: [dispatcher] } = demoSuite({ PUBLIC_URL }, 'dispatcher');
  const count = async () => (await server.database.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n as number;
  const iso = () => new Date().toISOString();

  describe('place names', () => {
    it('refuses a weak match with 422 and the candidates to choose from, storing nothing', async () => {
      const before = await count();
      const res = await expectRefusal(dispatcher.call('createIncident', { body: { placeName: 'ab', category: 'trauma', priority: 2 } }), 422, /^placeName: "ab" is not a sure match/);
      const { candidates } = res.details as { candidates: PlaceCandidateDto[] };
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
          // The town or the city district (街道) a village lies in or nearest to.
          town: c.kind === 'village' ? { name: expect.stringMatching(/([镇乡]|街道)$/), nameEn: expect.any(String) } : null,
          match: { field: 'nameEn', quality: expect.stringMatching(/^(contains|similar)$/) },
          distanceM: null,
          sure: false,
        });
        expect(c.score).toBeLessThan(1);
      }
      expect(await count()).toBe(before);
    });

    it('refuses one character and a stem shared by two villages, listing both villages', async () => {
      expect((await dispatcher.send('createIncident', { body: { placeName: '张', category: 'trauma', priority: 2 } })).status).toBe(422);
      const shared = await refusal(dispatcher.call('createIncident', { body: { placeName: '中王', category: 'trauma', priority: 2 } }));
      expect(shared.status).toBe(422);
      expect((shared.details as { candidates: PlaceCandidateDto[] }).candidates.slice(0, 2).map((c) => c.name).sort()).toEqual(['中王堡', '中王庄']);
    });

    it('takes a unique exact name (any case in English) or a unique long enough prefix', async () => {
      const english = await dispatcher.call('createIncident', { body: { placeName: 'zhongwangbao village', category: 'trauma', priority: 3 } });
      expect(english.placeName).toBe('中王堡');
      const prefix = await dispatcher.call('createIncident', { body: { placeName: '义棠', category: 'trauma', priority: 3 } });
      expect(prefix.placeName).toBe('义棠镇');
    });

    it('takes the chosen candidate sent back with its location', async () => {
      const refused = await refusal(dispatcher.call('createIncident', { body: { placeName: '中王', category: 'stroke', priority: 1 } }));
      const chosen = (refused.details as { candidates: PlaceCandidateDto[] }).candidates.find((c) => c.name === '中王庄')!;
      const res = await dispatcher.call('createIncident', {
        body: {
          placeName: chosen.name,
          location: { lon: chosen.lon, lat: chosen.lat },
          category: 'stroke',
          priority: 1,
        },
      });
      expect(res).toMatchObject({ placeName: '中王庄', location: { lon: chosen.lon, lat: chosen.lat } });
    });

    it('matches LIKE wildcards literally: "%" is no place at all', async () => {
      await expectRefusal(dispatcher.call('createIncident', { body: { placeName: '%', category: 'trauma', priority: 2 } }), 400, /^placeName: no place named/);
    });
  });

  describe('Idempotency-Key', () => {
    const call: CreateIncidentRequest = { location: { lon: 111.92, lat: 37.03 }, category: 'trauma', priority: 2 };

    it('answers a retry with the same body with the first incident and a different body with 422', async () => {
      const key = `call-${randomUUID()}`;
      const first = await dispatcher.call('createIncident', { body: call }, { 'Idempotency-Key': key });
      const retry = await dispatcher.send('createIncident', { body: { ...call } }, { 'Idempotency-Key': key });
      expect(retry).toMatchObject({ status: 200, body: { id: first.id } });
      const before = await count();
      await expectRefusal(dispatcher.call('createIncident', { body: { ...call, priority: 1 } }, { 'Idempotency-Key': key }), 422, /^Idempotency-Key: already used for a different call/);
      expect(await count()).toBe(before);
    });

    it('belongs to the login that sent it: another dispatcher with the same key gets a call of its own', async () => {
      const key = `call-${randomUUID()}`;
      const supervisor = (await server.as(server.logins.supervisor)).api;
      const mine = await dispatcher.send('createIncident', { body: call }, { 'Idempotency-Key': key });
      const theirs = await supervisor.send('createIncident', { body: call }, { 'Idempotency-Key': key });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body).not.toMatchObject({ id: (mine.body as { id: string }).id });
    });
  });

  describe('status events and FHIR links', () => {
    async function dispatchTo(lonLat: { lon: number; lat: number }, skip: string[] = []) {
      const incident = await dispatcher.call('createIncident', { body: { location: lonLat, category: 'chest_pain', priority: 1 } });
      const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
      const pick = rec.candidates.find((c) => !skip.includes(c.vehicleId))!;
      const assigned = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: pick.vehicleId } });
      const crew = await server.as(server.logins.crews.find((c) => c.callSign === pick.callSign)!.username);
      return { vehicleId: pick.vehicleId, assignmentId: assigned.assignment.id, crew: crew.api };
    }

    it('scopes event ids per assignment: the same id on two assignments is two reports, on one a replay', async () => {
      const a = await dispatchTo({ lon: 111.92, lat: 37.03 });
      const b = await dispatchTo({ lon: 111.925, lat: 37.031 }, [a.vehicleId]);
      const eventId = randomUUID();
      const report = { eventId, status: 'acknowledged' as const, deviceTime: iso() };
      const first = await a.crew.call('reportStatus', { params: { id: a.assignmentId }, body: report });
      const second = await b.crew.call('reportStatus', { params: { id: b.assignmentId }, body: report });
      expect(first).toMatchObject({ applied: true, duplicate: false });
      expect(second).toMatchObject({ applied: true, duplicate: false, assignment: { status: 'acknowledged' } });
      const replay = await b.crew.call('reportStatus', { params: { id: b.assignmentId }, body: { ...report, deviceTime: iso() } });
      expect(replay).toMatchObject({ applied: false, duplicate: true });
      const stored = await server.database.db.query('SELECT assignment_id FROM status_events WHERE id = $1 ORDER BY seq', [eventId]);
      expect(stored.rows.map((r) => r.assignment_id)).toEqual([a.assignmentId, b.assignmentId]);

      for (const status of ['en_route', 'on_scene', 'transporting'] as TaskStatus[]) {
        await a.crew.call('reportStatus', { params: { id: a.assignmentId }, body: { eventId: randomUUID(), status, deviceTime: iso() } });
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

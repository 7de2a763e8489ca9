import { randomUUID } from 'node:crypto';
import type { ApiClient, RequestTransferRequest, TaskStatus, TransferDto } from '@dispatch/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { demoSuite } from '../support/demoSuite';
import { expectRefusal } from '../support/expectations';
import { reconcileTimers } from '@dispatch/server/timers/reconcileTimers';
import { queueTransfer } from '@dispatch/server/transfers/queueTransfer';
import { seedDemoTransfers } from '@dispatch/server/transfers/transfers';

const PEOPLES = '介休市人民医院';
const TCM = '介休市中医院';

describe('inter-facility transfers and two-way referrals', () => {
  const { server, clients: [dispatcher], tokens } = demoSuite({}, 'dispatcher');
  const hospitalIds = new Map<string, string>();
  const logins = new Map<string, { api: ApiClient; token: string }>();
  let township = '';

  /** The demo login of a hospital, by name. */
  const as = (name: string) => logins.get(name)!;
  const idOf = (name: string) => hospitalIds.get(name)!;

  beforeAll(async () => {
    for (const h of await dispatcher.call('listHospitals')) hospitalIds.set(h.name, h.id);
    township = server.logins.hospitals.find((h) => h.name.endsWith('卫生院'))!.name;
    for (const name of [PEOPLES, TCM, township]) {
      const login = server.logins.hospitals.find((h) => h.name === name)!;
      logins.set(name, await server.as(login.username));
    }
  });

  const request = (overrides: Partial<RequestTransferRequest> = {}) =>
    as(township).api.call('requestTransfer', {
      body: {
        fromHospitalId: idOf(township),
        toHospitalId: idOf(PEOPLES),
        direction: 'up',
        category: 'newborn_transfer',
        patientSummary: '新生儿 2 天, 呼吸窘迫, 需 NICU',
        needs: ['neonatal', 'monitoring'],
        ...overrides,
      },
    });

  it("seeds npm start's demo transfers once: one awaiting an answer, one scheduled with its timer armed by the reconciliation", async () => {
    expect(await seedDemoTransfers(server.database.db)).toBe(2);
    expect(await seedDemoTransfers(server.database.db)).toBe(0);
    const seeded = await dispatcher.call('listTransfers');
    expect(seeded.map((t) => [t.direction, t.phase]).sort()).toEqual([['down', 'scheduled'], ['up', 'requested']]);
    await reconcileTimers(server.app.ctx);
    expect(await server.app.ctx.timers.dueAt('transferDue', seeded.find((t) => t.phase === 'scheduled')!.id)).not.toBeNull();
  });

  it('requests an up-referral, the receiving hospital accepts, and it is queued at once at the sender with its destination fixed; both boards follow live', async () => {
    const [sender, receiver, desk] = await Promise.all([
      openSocket(server.baseUrl, as(township).token),
      openSocket(server.baseUrl, as(PEOPLES).token),
      openSocket(server.baseUrl, tokens.dispatcher),
    ]);
    const other = await openSocket(server.baseUrl, as(TCM).token);
    const requested = await request();
    expect(requested).toMatchObject({ status: 'requested', phase: 'requested', direction: 'up', priority: 4, incidentId: null });
    for (const board of [sender, receiver, desk]) await board.waitFor('transfer.updated', (t: TransferDto) => t.id === requested.id && t.phase === 'requested');
    // The receiving hospital sees it in its list; a hospital neither sending nor receiving does not.
    expect((await as(PEOPLES).api.call('listTransfers')).map((t) => t.id)).toContain(requested.id);
    expect((await as(TCM).api.call('listTransfers')).map((t) => t.id)).not.toContain(requested.id);

    const accepted = await as(PEOPLES).api.call('acceptTransfer', { params: { id: requested.id } });
    expect(accepted).toMatchObject({ status: 'accepted', phase: 'queued' });
    const incident = await dispatcher.call('getIncident', { params: { id: accepted.incidentId! } });
    const sender_ = (await dispatcher.call('listHospitals')).find((h) => h.id === idOf(township))!;
    expect(incident).toMatchObject({
      category: 'newborn_transfer',
      priority: 4,
      location: sender_.location,
      address: township,
      destinationHospitalId: idOf(PEOPLES),
      patientSummary: '新生儿 2 天, 呼吸窘迫, 需 NICU',
      transfer: { id: requested.id, direction: 'up', from: { id: idOf(township) }, to: { id: idOf(PEOPLES) }, needs: ['neonatal', 'monitoring'] },
    });
    // The needs are required capabilities: only the neonatal ambulance (also ALS) can take it.
    expect([...incident.requiredVehicleCapabilities].sort()).toEqual(['als', 'neonatal']);
    await desk.waitFor('incident.created', (i) => i.id === incident.id);

    const rec = await dispatcher.call('getRecommendations', { params: { id: incident.id } });
    expect(rec.candidates.length).toBeGreaterThan(0);
    expect(rec.candidates.every((c) => c.capabilities.includes('neonatal'))).toBe(true);
    expect(rec.excluded.some((e) => e.reason === 'missing_capability')).toBe(true);
    expect(rec.proposedHospital?.hospitalId).toBe(idOf(PEOPLES));
    expect(rec.hospitalOptions.map((h) => h.hospitalId)).toEqual([idOf(PEOPLES)]);

    // Assigned like a call; the destination stays the accepting hospital.
    await expectRefusal(
      dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: rec.candidates[0]!.vehicleId, destinationHospitalId: idOf(TCM) } }),
      409,
      /^destinationHospitalId:/,
    );
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: rec.candidates[0]!.vehicleId } });
    expect(offer.destinationHospital?.id).toBe(idOf(PEOPLES));
    expect(offer.incident.transfer?.from.id).toBe(idOf(township));
    for (const board of [sender, receiver]) {
      const seen: TransferDto = await board.waitFor('transfer.updated', (t: TransferDto) => t.id === requested.id && t.phase === 'dispatched');
      expect(seen.vehicleCallSign).toBe(rec.candidates[0]!.callSign);
      expect(seen.etaAt).not.toBeNull();
    }

    // The crew's two legs: pick up at the sender, deliver to the receiver.
    const crew = server.logins.crews.find((c) => c.callSign === rec.candidates[0]!.callSign)!;
    const { api: crewApi } = await server.as(crew.username);
    const step = (status: TaskStatus) =>
      crewApi.call('reportStatus', { params: { id: offer.assignment.id }, body: { eventId: randomUUID(), status, deviceTime: new Date().toISOString() } });
    for (const status of ['acknowledged', 'en_route', 'on_scene'] as const) await step(status);
    for (const board of [sender, receiver]) await board.waitFor('transfer.updated', (t: TransferDto) => t.id === requested.id && t.phase === 'at_pickup');
    for (const status of ['at_patient', 'transporting'] as const) await step(status);
    for (const board of [sender, receiver]) await board.waitFor('transfer.updated', (t: TransferDto) => t.id === requested.id && t.phase === 'transporting');
    expect((await crewApi.call('getAssignment', { params: { id: offer.assignment.id } })).destinationHospital?.id).toBe(idOf(PEOPLES));
    expect(other.received.filter((r) => r.event === 'transfer.updated' && r.payload.id === requested.id)).toEqual([]);

    // Every step is in the audit log.
    const audit = await server.database.db.query(`SELECT action FROM audit_log WHERE entity_type = 'transfer' AND entity_id = $1 ORDER BY id`, [requested.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['transfer.requested', 'transfer.accepted', 'transfer.queued']);
    for (const s of [sender, receiver, desk, other]) s.close();
  });

  it('a declined transfer goes back to the sender with the reason and never reaches the queue', async () => {
    const sender = await openSocket(server.baseUrl, as(township).token);
    const requested = await request({ needs: [], category: 'other' });
    await expectRefusal(as(PEOPLES).api.call('declineTransfer', { params: { id: requested.id }, body: { reason: '' } }), 400, /^reason:/);
    const declined = await as(PEOPLES).api.call('declineTransfer', { params: { id: requested.id }, body: { reason: 'NICU 满床' } });
    expect(declined).toMatchObject({ status: 'declined', phase: 'declined', reason: 'NICU 满床', incidentId: null });
    await sender.waitFor('transfer.updated', (t: TransferDto) => t.id === requested.id && t.phase === 'declined' && t.reason === 'NICU 满床');
    await expectRefusal(as(PEOPLES).api.call('acceptTransfer', { params: { id: requested.id } }), 409, /already declined/);
    sender.close();
  });

  it('a scheduled transfer holds no vehicle until its durable timer fires, then enters the queue', async () => {
    const at = new Date(Date.now() + 3600_000).toISOString();
    const requested = await request({ scheduledAt: at, category: 'other', needs: ['escort'], direction: 'up' });
    const accepted = await as(PEOPLES).api.call('acceptTransfer', { params: { id: requested.id } });
    expect(accepted).toMatchObject({ phase: 'scheduled', incidentId: null, scheduledAt: at });
    const due = await server.app.ctx.timers.dueAt('transferDue', requested.id);
    expect(Math.abs(due!.getTime() - Date.parse(at))).toBeLessThan(2000);
    // Nothing is in the queue for it yet.
    expect((await dispatcher.call('listIncidents')).some((i) => i.transfer?.id === requested.id)).toBe(false);
    // The reconciliation finds it pending too and re-arms the same job (no duplicate).
    await server.app.ctx.timers.cancel('transferDue', requested.id);
    const { transfers } = await reconcileTimers(server.app.ctx);
    expect(transfers).toBeGreaterThanOrEqual(1);
    expect(await server.app.ctx.timers.dueAt('transferDue', requested.id)).not.toBeNull();

    // Its time comes (the job re-armed to fire now stands in for the clock): the real BullMQ worker queues it.
    const desk = await openSocket(server.baseUrl, tokens.dispatcher);
    await server.app.ctx.timers.cancel('transferDue', requested.id);
    await server.app.ctx.timers.schedule('transferDue', { transferId: requested.id }, requested.id, 0);
    const created = await desk.waitFor('incident.created', (i) => i.transfer?.id === requested.id);
    expect(created).toMatchObject({ destinationHospitalId: idOf(PEOPLES), requiredVehicleCapabilities: [] });
    // A second firing (the reconciliation racing the timer) queues nothing more.
    expect(await queueTransfer(server.app.ctx, requested.id)).toBeNull();
    expect((await dispatcher.call('listIncidents')).filter((i) => i.transfer?.id === requested.id)).toHaveLength(1);
    desk.close();
  });

  it('a transfer the sender cancels before dispatch leaves the queue; one with a vehicle on it is the centre’s to cancel', async () => {
    const requested = await request({ category: 'other', needs: [], direction: 'up' });
    const accepted = await as(PEOPLES).api.call('acceptTransfer', { params: { id: requested.id } });
    const desk = await openSocket(server.baseUrl, tokens.dispatcher);
    // Only the sender cancels: the receiving hospital may not.
    await expectRefusal(as(PEOPLES).api.call('cancelTransfer', { params: { id: requested.id }, body: { reason: '病情变化' } }), 403, /not your hospital/);
    const cancelled = await as(township).api.call('cancelTransfer', { params: { id: requested.id }, body: { reason: '家属要求留院' } });
    expect(cancelled).toMatchObject({ status: 'cancelled', phase: 'cancelled', reason: '家属要求留院' });
    await desk.waitFor('incident.updated', (i) => i.id === accepted.incidentId && i.status === 'cancelled');
    const queue = await dispatcher.call('listIncidents');
    expect(queue.find((i) => i.id === accepted.incidentId)?.status).toBe('cancelled');

    const second = await request({ category: 'other', needs: [], direction: 'up' });
    const queued = await as(PEOPLES).api.call('acceptTransfer', { params: { id: second.id } });
    const rec = await dispatcher.call('getRecommendations', { params: { id: queued.incidentId! } });
    await dispatcher.call('assignVehicle', { params: { id: queued.incidentId! }, body: { vehicleId: rec.candidates[0]!.vehicleId } });
    await expectRefusal(as(township).api.call('cancelTransfer', { params: { id: second.id }, body: { reason: '不去了' } }), 409, /dispatch centre/);
    await dispatcher.call('cancelIncident', { params: { id: queued.incidentId! }, body: { reason: '医院来电取消' } });
    expect((await as(township).api.call('getTransfer', { params: { id: second.id } })).phase).toBe('cancelled');
    desk.close();
  });

  it('refuses bad requests with the field named, and a hospital acting for another', async () => {
    const before = (await server.database.db.query('SELECT count(*)::int AS n FROM transfers')).rows[0].n;
    await expectRefusal(request({ toHospitalId: idOf(township) }), 400, /^toHospitalId:/);
    await expectRefusal(request({ greenChannel: true, category: 'trauma' }), 400, /^greenChannel:/);
    await expectRefusal(request({ patientSummary: '   ' }), 400, /^patientSummary:/);
    await expectRefusal(request({ needs: ['wings' as never] }), 400, /^needs\.0:/);
    await expectRefusal(request({ scheduledAt: '2020-01-01T08:00:00+08:00' }), 400, /^scheduledAt:/);
    await expectRefusal(request({ direction: 'sideways' as never }), 400, /^direction:/);
    await expectRefusal(request({ toHospitalId: randomUUID() }), 404, /^toHospitalId:/);
    // A hospital requests only from itself.
    await expectRefusal(request({ fromHospitalId: idOf(TCM), toHospitalId: idOf(PEOPLES) }), 403, /not your hospital/);
    expect((await server.database.db.query('SELECT count(*)::int AS n FROM transfers')).rows[0].n).toBe(before);

    // Only the receiving hospital answers; a third hospital cannot read it.
    const requested = await request({ category: 'chest_pain', greenChannel: true, needs: ['monitoring'] });
    expect(requested.priority).toBe(2);
    await expectRefusal(as(TCM).api.call('acceptTransfer', { params: { id: requested.id } }), 403, /not your hospital/);
    await expectRefusal(as(township).api.call('acceptTransfer', { params: { id: requested.id } }), 403, /not your hospital/);
    await expectRefusal(dispatcher.call('acceptTransfer', { params: { id: requested.id } }), 403, /role dispatcher/);
    await expectRefusal(as(TCM).api.call('getTransfer', { params: { id: requested.id } }), 403, /not your hospital/);
    expect((await as(PEOPLES).api.call('getTransfer', { params: { id: requested.id } })).status).toBe('requested');
  });

  it('counts no transfer among the calls of the 120 quality indicators (nobody rang)', async () => {
    const { api: supervisor } = await server.as('supervisor');
    const query = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    const before = (await supervisor.call('qualityReport', { query })).calls;
    const requested = await request({ category: 'other', needs: [] });
    expect((await as(PEOPLES).api.call('acceptTransfer', { params: { id: requested.id } })).phase).toBe('queued');
    expect((await supervisor.call('qualityReport', { query })).calls).toBe(before);
  });

  it('lets a dispatcher enter a referral back down (下转) that a county hospital phoned in', async () => {
    const entered = await dispatcher.call('requestTransfer', {
      body: { fromHospitalId: idOf(PEOPLES), toHospitalId: idOf(township), direction: 'down', category: 'stroke', patientSummary: '脑梗恢复期, 转回乡镇康复', needs: [] },
    });
    expect(entered).toMatchObject({ direction: 'down', status: 'requested', from: { id: idOf(PEOPLES) }, to: { id: idOf(township) } });
    const accepted = await as(township).api.call('acceptTransfer', { params: { id: entered.id } });
    expect(accepted.phase).toBe('queued');
    const incident = await dispatcher.call('getIncident', { params: { id: accepted.incidentId! } });
    expect(incident.destinationHospitalId).toBe(idOf(township));
    expect(incident.requiredHospitalCapabilities).toEqual([]);
  });
});

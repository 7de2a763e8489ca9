import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api';
import { demoSuite } from '../support/demoSuite';

describe('safer recommendations: a full hospital is a destination only on purpose; scarce vehicles are kept for their calls', () => {
  const { server, clients: [dispatcher, supervisor] } = demoSuite({}, 'dispatcher', 'supervisor');
  const count = async (sql: string, params: unknown[]) => (await server.database.db.query(sql, params)).rows[0].n as number;

  async function chestPainCall() {
    const incident = await dispatcher.call('createIncident', { body: { placeName: '张兰', category: 'chest_pain', priority: 1 } });
    return { incident, rec: await dispatcher.call('getRecommendations', { params: { id: incident.id } }) };
  }

  it('refuses a red destination until the dispatcher confirms it, then records the confirmation in the audit log', async () => {
    const { incident, rec } = await chestPainCall();
    const hospital = rec.hospitalOptions[0]!;
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.hospitalId }, body: { loadStatus: 'red' } });
    const body = { vehicleId: rec.candidates[0]!.vehicleId, destinationHospitalId: hospital.hospitalId };

    const refused = await refusal(dispatcher.call('assignVehicle', { params: { id: incident.id }, body }));
    expect(refused.status).toBe(409);
    expect(refused.code).toBe('destination_load_unconfirmed');
    expect(refused.message).toMatch(/^destinationHospitalId: /);
    expect(refused.details).toEqual({ hospitalId: hospital.hospitalId, loadStatus: 'red' });
    expect(await count('SELECT count(*)::int AS n FROM assignments WHERE incident_id = $1', [incident.id])).toBe(0);

    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { ...body, confirmDestinationLoad: true } });
    expect(offer.assignment.destinationHospitalId).toBe(hospital.hospitalId);
    const audit = await supervisor.call('audit', { query: { entityType: 'incident', entityId: incident.id } });
    expect(audit.find((e) => e.action === 'assignment.destinationLoadConfirmed')?.details).toEqual({ hospitalId: hospital.hospitalId, loadStatus: 'red' });

    // The crew changing to a closed hospital is held to the same rule.
    const closed = rec.hospitalOptions[1] ?? hospital;
    await dispatcher.call('setHospitalLoad', { params: { id: closed.hospitalId }, body: { loadStatus: 'closed' } });
    const change = await refusal(dispatcher.call('changeDestination', { params: { id: offer.assignment.id }, body: { hospitalId: closed.hospitalId } }));
    expect(change.code).toBe('destination_load_unconfirmed');
    await dispatcher.call('setHospitalLoad', { params: { id: hospital.hospitalId }, body: { loadStatus: 'blue' } });
    await dispatcher.call('setHospitalLoad', { params: { id: closed.hospitalId }, body: { loadStatus: 'blue' } });
  });

  it('ranks the mobile CT after the ordinary ALS ambulances for a chest-pain call, saying it is held back', async () => {
    const { rec } = await chestPainCall();
    const ct = rec.candidates.findIndex((c) => c.capabilities.includes('mobile_ct'));
    const ordinary = rec.candidates.filter((c) => !c.capabilities.includes('mobile_ct') && !c.capabilities.includes('neonatal'));
    expect(ct).toBeGreaterThan(-1);
    expect(ordinary.length).toBeGreaterThan(0);
    const reserve = rec.candidates[ct]!.reserve;
    expect(reserve).toMatchObject({ capabilities: ['mobile_ct'], heldBack: true, marginSeconds: 300 });
    expect(rec.candidates.slice(0, ct).every((c) => !c.capabilities.includes('mobile_ct'))).toBe(true);
    expect(ordinary.every((c) => c.reserve === null)).toBe(true);
  });

  it('names the refusals of a dispatch by code: a busy vehicle, a finished incident', async () => {
    const { incident, rec } = await chestPainCall();
    const vehicleId = rec.candidates[0]!.vehicleId;
    await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId } });
    const other = await chestPainCall();
    expect((await refusal(dispatcher.call('assignVehicle', { params: { id: other.incident.id }, body: { vehicleId } }))).code).toBe('vehicle_busy');
    await dispatcher.call('cancelIncident', { params: { id: other.incident.id }, body: { reason: 'test' } });
    const vehicle2 = other.rec.candidates[1]!.vehicleId;
    expect((await refusal(dispatcher.call('assignVehicle', { params: { id: other.incident.id }, body: { vehicleId: vehicle2 } }))).code).toBe('incident_finished');
    expect((await refusal(dispatcher.call('getIncident', { params: { id: '00000000-0000-4000-8000-000000000000' } }))).code).toBe('not_found');
  });
});

import { describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { expectRefusal } from '../support/expectations';
import { demoSuite } from '../support/demoSuite';
import { until } from '../support/wait';

/**
 * Operator data through the real server: road-class speeds re-cost the stored network and every graph reloads (by
 * NOTIFY), the category → capabilities table drives what a new call requires and so the recommendation; both are
 * admin-only, audited and validated with the field named.
 */
describe('operator data: road-class speeds and category requirements', () => {
  const { server, clients: [admin, dispatcher], tokens } = demoSuite({}, 'admin', 'dispatcher');
  // Across the town's grid of residential and tertiary streets (no maxspeed of their own).
  const from = '111.9125,37.0235';
  const to = '111.9265,37.0330';

  it('re-costs the edges of every region when a class speed changes, the graph reloads and open consoles are told', async () => {
    const desk = await openSocket(server.baseUrl, tokens.dispatcher);
    const db = server.database.db;
    const residentialCost = async () =>
      (await db.query<{ cost: number }>("SELECT sum(cost) AS cost FROM road_edges WHERE highway = 'residential' AND cost > 0")).rows[0]!.cost;
    const costBefore = await residentialCost();
    const before = await dispatcher.call('route', { query: { from, to } });
    const { speeds } = await admin.call('listRoadClassSpeeds');
    const slowed = speeds.filter((s) => ['residential', 'tertiary', 'secondary', 'primary', 'unclassified'].includes(s.highway));
    const residential = slowed.find((s) => s.highway === 'residential')!;

    const answer = await admin.call('updateRoadClassSpeeds', { body: { speeds: slowed.map((s) => ({ highway: s.highway, kmh: 5 })) } });
    expect(answer.speeds.find((s) => s.highway === 'residential')!.kmh).toBe(5);
    expect(answer.recosted).toHaveLength(1);
    expect(answer.recosted[0]!.edges).toBeGreaterThan(0);
    expect(await residentialCost()).toBeCloseTo((costBefore * residential.kmh) / 5, 0);
    // The server's graph was reloaded from the re-costed edges: the same trip now takes much longer.
    await until(async () => (await dispatcher.call('route', { query: { from, to } })).durationS > before.durationS * 2, 'the route to take the new speeds');

    const audit = await admin.call('audit', { query: { entityType: 'road_class_speeds' } });
    expect(audit[0]).toMatchObject({ action: 'roadClassSpeeds.updated', details: { changes: expect.arrayContaining([{ highway: 'residential', from: residential.kmh, to: 5 }]) } });

    await admin.call('updateRoadClassSpeeds', { body: { speeds: slowed } });
    await until(async () => Math.abs((await dispatcher.call('route', { query: { from, to } })).durationS - before.durationS) < 1, 'the route to be as before');
    await until(() => desk.received.filter((e) => e.event === 'settings.changed').length === 2, 'both changes pushed');
    expect(desk.received.find((e) => e.event === 'settings.changed')!.payload).toEqual({ what: 'roadClassSpeeds', region: null });
    desk.close();
  });

  it('refuses bad speeds naming the field, and changes nothing', async () => {
    await expectRefusal(admin.call('updateRoadClassSpeeds', { body: { speeds: [{ highway: 'residential', kmh: 0 }] } }), 400, /speeds\.0\.kmh/);
    await expectRefusal(admin.call('updateRoadClassSpeeds', { body: { speeds: [{ highway: 'primary', kmh: 40 }, { highway: 'runway', kmh: 200 }] } }), 400, /speeds\.1\.kmh/);
    await expectRefusal(admin.call('updateRoadClassSpeeds', { body: { speeds: [{ highway: 'primary', kmh: 40 }, { highway: 'runway', kmh: 20 }] } }), 400, /speeds\.1\.highway: no road class runway/);
    expect((await admin.call('listRoadClassSpeeds')).speeds.find((s) => s.highway === 'primary')!.kmh).toBe(55);
    await expectRefusal(dispatcher.call('updateRoadClassSpeeds', { body: { speeds: [{ highway: 'primary', kmh: 40 }] } }), 403, /may not/);
  });

  it('takes a new call\'s required capabilities from the table, so a change alters the recommendation', async () => {
    const desk = await openSocket(server.baseUrl, tokens.dispatcher);
    const table = await admin.call('listCategoryRequirements');
    expect(table.find((c) => c.category === 'chest_pain')).toEqual({ category: 'chest_pain', vehicleCapabilities: ['als'], hospitalCapabilities: ['pci'] });
    const call = { location: { lon: 111.92, lat: 37.03 }, category: 'other', priority: 3 } as const;

    const before = await dispatcher.call('createIncident', { body: call });
    expect(before.requiredVehicleCapabilities).toEqual([]);
    const ranked = await dispatcher.call('getRecommendations', { params: { id: before.id } });
    expect(ranked.candidates.some((c) => !c.capabilities.includes('neonatal'))).toBe(true);

    await admin.call('updateCategoryRequirement', { body: { category: 'other', vehicleCapabilities: ['neonatal'], hospitalCapabilities: ['emergency'] } });
    const after = await dispatcher.call('createIncident', { body: call });
    expect(after.requiredVehicleCapabilities).toEqual(['neonatal']);
    const reranked = await dispatcher.call('getRecommendations', { params: { id: after.id } });
    await until(() => desk.received.some((e) => e.event === 'settings.changed'), 'the change pushed');
    expect(desk.received.find((e) => e.event === 'settings.changed')!.payload).toEqual({ what: 'categoryRequirements', region: null });
    desk.close();
    expect(reranked.candidates.length).toBeGreaterThan(0);
    expect(reranked.candidates.every((c) => c.capabilities.includes('neonatal'))).toBe(true);
    expect(reranked.excluded.some((e) => e.reason === 'missing_capability')).toBe(true);
    // A call taken before the change keeps what it required.
    expect((await dispatcher.call('getIncident', { params: { id: before.id } })).requiredVehicleCapabilities).toEqual([]);

    const audit = await admin.call('audit', { query: { entityType: 'category_requirement', entityId: 'other' } });
    expect(audit[0]).toMatchObject({ action: 'categoryRequirement.updated', details: { from: { vehicle: [], hospital: ['emergency'] }, to: { vehicle: ['neonatal'] } } });
    await admin.call('updateCategoryRequirement', { body: { category: 'other', vehicleCapabilities: [], hospitalCapabilities: ['emergency'] } });
  });

  it('refuses an unknown capability or category naming the field', async () => {
    await expectRefusal(admin.call('updateCategoryRequirement', { body: { category: 'other', vehicleCapabilities: ['teleport' as 'als'], hospitalCapabilities: [] } }), 400, /vehicleCapabilities\.0/);
    await expectRefusal(admin.call('updateCategoryRequirement', { body: { category: 'alien' as 'other', vehicleCapabilities: [], hospitalCapabilities: [] } }), 400, /category/);
  });
});

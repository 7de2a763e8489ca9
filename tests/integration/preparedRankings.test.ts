import { groupSelections } from '@dispatch/geo/routing/fleetGroups';
import { createApp } from '@dispatch/server/app';
import { createLogger } from '@dispatch/server/logger';
import { describe, expect, it } from 'vitest';
import { centresSuite } from '../support/demoSuite';

/**
 * Issue 14: a centre's first call after a start does not pay for loading the roads, snapping the fleet and selecting
 * the centre's part of the hierarchy (on a province, seconds): the server does that ahead, by itself.
 */
describe('the rankings are prepared before the first call', () => {
  const suite = centresSuite();
  const { server } = suite;

  it('a process started on a centre’s database loads its roads, builds their hierarchy and prepares every centre’s fleet search with no call made', async () => {
    const centres = (await server.database.db.query<{ id: string }>('SELECT id FROM centres ORDER BY id')).rows.map((r) => r.id);
    expect(centres).toContain(suite.pingyao);
    // A second server process on the seeded database, as after a restart: web only (no queue workers beside the first
    // server's), serving nothing (its HTTP server never listens).
    const started = createApp({ config: { ...server.config, ROAD_PRELOAD: true, PROCESS_ROLES: new Set(['web']) }, db: server.database.db, redis: server.redis, log: createLogger('silent') });
    try {
      const hierarchy = await started.graphs.preprocessed();
      expect(hierarchy).not.toBeNull();
      const graph = await started.graphs.get();
      await expect.poll(() => [...groupSelections(graph).keys()].sort(), { timeout: 20_000, interval: 50 }).toEqual(centres);
      // Each centre's selection holds its vehicles' and stations' roads up to the top of the hierarchy.
      for (const { vertices } of groupSelections(graph).values()) expect(vertices).toBeGreaterThan(0);
    } finally {
      await started.close();
    }
  });
});

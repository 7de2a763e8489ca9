import type { Db } from '@dispatch/db';
import type { Publisher } from '../realtime/publisher';
import type { Handlers } from '../http/mountRoutes';
import { Reply } from '../http/mountRoutes';
import { listRoadNetworks, setLiveRoadRegion } from './roadAdmin';
import type { RoadImports } from './roadImports';

/**
 * The administrator's road networks. Progress is polled (GET imports) rather than pushed: the job may run in another
 * server process than the one holding the admin's socket, BullMQ keeps its progress in Redis where any process reads
 * it, and one admin polling once a second for a minute-long import costs nothing.
 */
export const roadAdminHandlers = (
  db: Db,
  events: Publisher,
  imports: RoadImports,
  configuredRegion: string | undefined,
): Handlers<'listRoadNetworks' | 'uploadRoadNetwork' | 'listRoadImports' | 'setLiveRoadRegion'> => ({
  listRoadNetworks: () => listRoadNetworks(db, configuredRegion),
  uploadRoadNetwork: async ({ query }, { req, actor }) => new Reply(201, await imports.upload(req, query, actor)),
  listRoadImports: () => imports.list(),
  setLiveRoadRegion: ({ body }, { actor }) => setLiveRoadRegion(db, events, actor, body.region, configuredRegion),
});

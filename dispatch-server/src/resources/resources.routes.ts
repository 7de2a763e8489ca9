import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import type { Action } from '../policies/policies';
import { deleteResource } from './deleteResource';

/** DELETE for the fleet and network resources (admin; supervisors for crew members and shifts). */
export function resourceDeleteRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  const route = (path: string, table: Parameters<typeof deleteResource>[2], action: Action) =>
    router.delete(`/${path}/:id`, requireAuth(tokens, action), async (req, res) => {
      await deleteResource(db, actorFrom(req), table, req.params.id as string);
      res.status(204).end();
    });
  route('stations', 'stations', 'station.manage');
  route('vehicles', 'vehicles', 'vehicle.manage');
  route('hospitals', 'hospitals', 'hospital.manage');
  route('crew-members', 'crew_members', 'crew.manage');
  route('shifts', 'shifts', 'crew.manage');
  return router;
}

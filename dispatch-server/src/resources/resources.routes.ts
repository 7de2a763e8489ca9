import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '../db/pool';
import { deleteResource } from './deleteResource';

/** DELETE for the fleet and network resources (admin; supervisors for crew members and shifts). */
export function resourceDeleteRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  const admin = requireAuth(tokens, 'admin');
  const staffing = requireAuth(tokens, 'supervisor', 'admin');
  const route = (path: string, table: Parameters<typeof deleteResource>[2], guard: typeof admin) =>
    router.delete(`/${path}/:id`, guard, async (req, res) => {
      await deleteResource(db, actorFrom(req), table, req.params.id as string);
      res.status(204).end();
    });
  route('stations', 'stations', admin);
  route('vehicles', 'vehicles', admin);
  route('hospitals', 'hospitals', admin);
  route('crew-members', 'crew_members', staffing);
  route('shifts', 'shifts', staffing);
  return router;
}

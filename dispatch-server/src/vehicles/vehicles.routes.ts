import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '../db/pool';
import { HttpError } from '../http/errors';
import { createVehicle, getVehicle, listVehicles, updateVehicle } from './vehicles';

export function vehicleRoutes(db: Db, tokens: TokenService, staleAfterSeconds: number): Router {
  const router = Router();
  router.get('/vehicles', requireAuth(tokens, 'dispatcher', 'supervisor', 'admin'), async (_req, res) => {
    res.json(await listVehicles(db, staleAfterSeconds));
  });
  router.get('/vehicles/:id', requireAuth(tokens), async (req, res) => {
    const principal = principalOf(req);
    // A crew sees its own vehicle only; hospitals see vehicles through their notices.
    if (principal.role === 'hospital' || (principal.role === 'crew' && principal.vehicleId !== req.params.id)) {
      throw new HttpError(403, 'not your vehicle');
    }
    res.json(await getVehicle(db, req.params.id as string, staleAfterSeconds));
  });
  router.post('/vehicles', requireAuth(tokens, 'admin'), async (req, res) => {
    res.status(201).json(await createVehicle(db, actorFrom(req), req.body, staleAfterSeconds));
  });
  router.put('/vehicles/:id', requireAuth(tokens, 'admin', 'supervisor'), async (req, res) => {
    res.json(await updateVehicle(db, actorFrom(req), req.params.id as string, req.body, staleAfterSeconds));
  });
  return router;
}

import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { authorize } from '../policies/policies';
import { createVehicle, getVehicle, listVehicles, updateVehicle } from './vehicles';

export function vehicleRoutes(db: Db, tokens: TokenService, staleAfterSeconds: number): Router {
  const router = Router();
  router.get('/vehicles', requireAuth(tokens, 'vehicle.list'), async (_req, res) => {
    res.json(await listVehicles(db, staleAfterSeconds));
  });
  router.get('/vehicles/:id', requireAuth(tokens, 'vehicle.read'), async (req, res) => {
    authorize(principalOf(req), 'vehicle.read', { vehicleId: req.params.id as string });
    res.json(await getVehicle(db, req.params.id as string, staleAfterSeconds));
  });
  router.post('/vehicles', requireAuth(tokens, 'vehicle.manage'), async (req, res) => {
    res.status(201).json(await createVehicle(db, actorFrom(req), req.body, staleAfterSeconds));
  });
  router.put('/vehicles/:id', requireAuth(tokens, 'vehicle.update'), async (req, res) => {
    res.json(await updateVehicle(db, actorFrom(req), req.params.id as string, req.body, staleAfterSeconds));
  });
  return router;
}

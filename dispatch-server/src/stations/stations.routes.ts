import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { createStation, getStation, listStations, updateStation } from './stations';

export function stationRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.get('/stations', requireAuth(tokens, 'station.read'), async (_req, res) => {
    res.json(await listStations(db));
  });
  router.get('/stations/:id', requireAuth(tokens, 'station.read'), async (req, res) => {
    res.json(await getStation(db, req.params.id as string));
  });
  router.post('/stations', requireAuth(tokens, 'station.manage'), async (req, res) => {
    res.status(201).json(await createStation(db, actorFrom(req), req.body));
  });
  router.put('/stations/:id', requireAuth(tokens, 'station.manage'), async (req, res) => {
    res.json(await updateStation(db, actorFrom(req), req.params.id as string, req.body));
  });
  return router;
}

import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import type { Publisher } from '../realtime/publisher';
import { createHospital, getHospital, listHospitals, setHospitalLoad, updateHospital } from './hospitals';

export function hospitalRoutes(db: Db, tokens: TokenService, events: Publisher): Router {
  const router = Router();
  // Hospital list and load are not patient data: every logged-in role may read them (crews pick destinations).
  router.get('/hospitals', requireAuth(tokens, 'hospital.read'), async (_req, res) => {
    res.json(await listHospitals(db));
  });
  router.get('/hospitals/:id', requireAuth(tokens, 'hospital.read'), async (req, res) => {
    res.json(await getHospital(db, req.params.id as string));
  });
  router.post('/hospitals', requireAuth(tokens, 'hospital.manage'), async (req, res) => {
    res.status(201).json(await createHospital(db, actorFrom(req), req.body));
  });
  router.put('/hospitals/:id', requireAuth(tokens, 'hospital.manage'), async (req, res) => {
    res.json(await updateHospital(db, actorFrom(req), req.params.id as string, req.body));
  });
  router.put('/hospitals/:id/load', requireAuth(tokens, 'hospital.setLoad'), async (req, res) => {
    res.json(await setHospitalLoad(db, events, actorFrom(req), req.params.id as string, req.body));
  });
  return router;
}

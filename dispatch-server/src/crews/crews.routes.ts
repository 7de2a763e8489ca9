import { Router } from 'express';
import { z } from 'zod';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { createCrewMember, createShift, listCrewMembers, listShifts } from './crews';

const ShiftQuery = z.object({ at: z.iso.datetime({ offset: true }).optional() });

export function crewRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  const staff = requireAuth(tokens, 'crew.read');
  router.get('/crew-members', staff, async (_req, res) => {
    res.json(await listCrewMembers(db));
  });
  router.post('/crew-members', requireAuth(tokens, 'crew.manage'), async (req, res) => {
    res.status(201).json(await createCrewMember(db, actorFrom(req), req.body));
  });
  router.get('/shifts', staff, async (req, res) => {
    res.json(await listShifts(db, ShiftQuery.parse(req.query).at));
  });
  router.post('/shifts', requireAuth(tokens, 'crew.manage'), async (req, res) => {
    res.status(201).json(await createShift(db, actorFrom(req), req.body));
  });
  return router;
}

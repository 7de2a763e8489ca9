import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '../db/pool';
import { createUser, listUsers } from './users';

export function userRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.get('/users', requireAuth(tokens, 'user.list'), async (_req, res) => {
    res.json(await listUsers(db));
  });
  router.post('/users', requireAuth(tokens, 'user.create'), async (req, res) => {
    res.status(201).json(await createUser(db, actorFrom(req), req.body));
  });
  return router;
}

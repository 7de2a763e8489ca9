import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { SetDisabledRequest } from '@dispatch/protocol';
import { createUser, listUsers, resetUserPassword, setUserDisabled } from './users';

export function userRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.get('/users', requireAuth(tokens, 'user.list'), async (_req, res) => {
    res.json(await listUsers(db));
  });
  router.post('/users', requireAuth(tokens, 'user.create'), async (req, res) => {
    res.status(201).json(await createUser(db, actorFrom(req), req.body));
  });
  router.put('/users/:id/disabled', requireAuth(tokens, 'user.manage'), async (req, res) => {
    const { disabled } = SetDisabledRequest.parse(req.body);
    const user = await setUserDisabled(db, actorFrom(req), req.params.id as string, disabled);
    tokens.forget(user.id);
    res.json(user);
  });
  router.post('/users/:id/password-reset', requireAuth(tokens, 'user.manage'), async (req, res) => {
    const reset = await resetUserPassword(db, actorFrom(req), req.params.id as string);
    tokens.forget(reset.user.id);
    res.json(reset);
  });
  return router;
}

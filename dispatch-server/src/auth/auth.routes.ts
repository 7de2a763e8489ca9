import { Router } from 'express';
import type { Db } from '../db/pool';
import { LoginRequest } from './auth.schema';
import { login } from './login';
import { principalOf, requireAuth } from './requireAuth';
import type { TokenService } from './tokens';

export function authRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.post('/auth/login', async (req, res) => {
    const body = LoginRequest.parse(req.body);
    res.json(await login(db, tokens, body.username, body.password));
  });
  router.get('/auth/me', requireAuth(tokens, 'session.own'), (req, res) => {
    res.json(principalOf(req));
  });
  return router;
}

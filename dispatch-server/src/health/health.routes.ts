import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Db } from '@dispatch/db';
import { checkHealth } from './checkHealth';

export function healthRoutes(db: Db, redis: Redis): Router {
  const router = Router();
  // Unauthenticated on purpose: load balancers and `npm start` poll it. It reveals versions only.
  router.get('/health', async (_req, res) => {
    const report = await checkHealth(db, redis);
    res.status(report.ok ? 200 : 503).json(report);
  });
  return router;
}

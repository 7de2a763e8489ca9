import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { Router } from 'express';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { catchments, coverageSummary, isochroneLayer } from './coverage';

export function coverageRoutes(db: Db, graphs: GraphRegistry, tokens: TokenService): Router {
  const router = Router();
  const staff = requireAuth(tokens, 'coverage.read');
  router.get('/coverage/catchments', staff, async (req, res) => {
    res.json(await catchments(db, graphs, req.query));
  });
  router.get('/coverage/isochrones', staff, async (req, res) => {
    res.json(await isochroneLayer(db, graphs, req.query));
  });
  router.get('/coverage/summary', staff, async (req, res) => {
    res.json(await coverageSummary(db, graphs, req.query));
  });
  return router;
}

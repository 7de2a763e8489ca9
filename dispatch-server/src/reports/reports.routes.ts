import { Router } from 'express';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { getIncident } from '../incidents/incidents';
import { presentEido, presentETimes } from './incidentExports';
import { qualityIndicators } from './qualityIndicators';

export function reportRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  const incidentReaders = requireAuth(tokens, 'incident.read');
  router.get('/reports/quality', requireAuth(tokens, 'report.read'), async (req, res) => {
    res.json(await qualityIndicators(db, req.query));
  });
  router.get('/incidents/:id/etimes', incidentReaders, async (req, res) => {
    res.json(presentETimes(await getIncident(db, req.params.id as string)));
  });
  router.get('/incidents/:id/eido', incidentReaders, async (req, res) => {
    const centre = { name: '120 急救指挥中心', uri: `${req.protocol}://${req.get('host')}` };
    res.json(presentEido(await getIncident(db, req.params.id as string), centre));
  });
  return router;
}

import { Router } from 'express';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { RoadsQuery } from '@dispatch/protocol';
import { activeRoadRegion, roadsInBbox } from './roads';

/**
 * The map's own road layer, for when no tile server can be reached: `GET /api/roads?bbox=&zoom=` (GeoJSON) and
 * `GET /api/roads/region` (name, synthetic flag, extent). Any signed-in user.
 */
export function roadRoutes(db: Db, tokens: TokenService, region?: string): Router {
  const router = Router();
  router.get('/roads/region', requireAuth(tokens, 'map.read'), async (_req, res) => {
    const { networkId: _networkId, ...presented } = await activeRoadRegion(db, region);
    res.json(presented);
  });
  router.get('/roads', requireAuth(tokens, 'map.read'), async (req, res) => {
    const query = RoadsQuery.parse(req.query);
    // Roads change only on a re-import; a short private cache spares panning back and forth.
    res.set('cache-control', 'private, max-age=60').json(await roadsInBbox(db, query, region));
  });
  return router;
}

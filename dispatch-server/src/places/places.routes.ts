import { Router } from 'express';
import { text } from '@dispatch/protocol';
import { z } from 'zod';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Db } from '@dispatch/db';
import { searchPlaces } from './places';

const PlaceQuery = z.object({ q: text(100).trim().min(1), limit: z.coerce.number().int().min(1).max(50).default(10) });

export function placeRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.get('/places', requireAuth(tokens, 'map.read'), async (req, res) => {
    const { q, limit } = PlaceQuery.parse(req.query);
    res.json(await searchPlaces(db, q, limit));
  });
  return router;
}

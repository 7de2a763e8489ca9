import { text } from '@dispatch/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '@dispatch/db';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import { listAudit } from './audit';

const AuditQuery = z.object({
  entityType: text(40).optional(),
  entityId: text(80).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function auditRoutes(db: Db, tokens: TokenService): Router {
  const router = Router();
  router.get('/audit', requireAuth(tokens, 'audit.read'), async (req, res) => {
    res.json(await listAudit(db, AuditQuery.parse(req.query)));
  });
  return router;
}

import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { DispatchContext } from '../dispatchContext';
import { acknowledgeNotice, getNoticeFhir, getNoticeFor, listNotices } from './notices';

/** @param publicUrl where others reach this server (config PUBLIC_URL), for the links in FHIR exports */
export function noticeRoutes(ctx: DispatchContext, tokens: TokenService, publicUrl: string): Router {
  const router = Router();
  const readers = requireAuth(tokens, 'notice.read');
  router.get('/notices', readers, async (req, res) => {
    res.json(await listNotices(ctx, principalOf(req)));
  });
  router.get('/notices/:id', readers, async (req, res) => {
    res.json(await getNoticeFor(ctx, principalOf(req), req.params.id as string));
  });
  router.post('/notices/:id/acknowledge', requireAuth(tokens, 'notice.acknowledge'), async (req, res) => {
    res.json(await acknowledgeNotice(ctx, actorFrom(req), req.params.id as string));
  });
  /** HL7 FHIR R4 message Bundle of the notice. */
  router.get('/notices/:id/fhir', readers, async (req, res) => {
    res.type('application/fhir+json').json(await getNoticeFhir(ctx, principalOf(req), req.params.id as string, publicUrl));
  });
  return router;
}

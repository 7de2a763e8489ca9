import { Router } from 'express';
import { z } from 'zod';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { DispatchContext } from '../dispatchContext';
import { changeDestination, sendNotice } from '../notices/notices';
import { getLiveOffer, getOffer } from './assignVehicle';
import { cancelAssignment } from './cancelAssignment';
import { recordVitals } from './recordVitals';
import { reportStatus } from './reportStatus';

const NoticeRequest = z.object({ hospitalId: z.uuid().optional() });

export function assignmentRoutes(ctx: DispatchContext, tokens: TokenService): Router {
  const router = Router();
  const dispatch = requireAuth(tokens, 'incident.dispatch');
  const readers = requireAuth(tokens, 'assignment.read');

  router.get('/assignments/:id', readers, async (req, res) => {
    res.json(await getOffer(ctx, principalOf(req), req.params.id as string));
  });
  router.get('/vehicles/:id/assignment', readers, async (req, res) => {
    // 204 means "this vehicle is free".
    const offer = await getLiveOffer(ctx, principalOf(req), req.params.id as string);
    if (offer) res.json(offer);
    else res.status(204).end();
  });
  router.post('/assignments/:id/status', requireAuth(tokens, 'assignment.report'), async (req, res) => {
    // A login bound to a vehicle is its crew's tablet.
    const result = await reportStatus(ctx, actorFrom(req), req.params.id as string, req.body, principalOf(req).vehicleId ? 'tablet' : 'console');
    res.status(result.applied ? 200 : 202).json(result);
  });
  router.post('/assignments/:id/cancel', dispatch, async (req, res) => {
    res.json(await cancelAssignment(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.put('/assignments/:id/destination', requireAuth(tokens, 'assignment.changeDestination'), async (req, res) => {
    res.json(await changeDestination(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.put('/assignments/:id/vitals', requireAuth(tokens, 'assignment.recordVitals'), async (req, res) => {
    res.json(await recordVitals(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.post('/assignments/:id/notice', dispatch, async (req, res) => {
    const { hospitalId } = NoticeRequest.parse(req.body ?? {});
    res.status(201).json(await sendNotice(ctx, actorFrom(req), req.params.id as string, hospitalId));
  });
  return router;
}

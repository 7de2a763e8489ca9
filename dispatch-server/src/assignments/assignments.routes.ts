import { Router } from 'express';
import { z } from 'zod';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import { isUuid } from '@dispatch/db';
import type { DispatchContext } from '../dispatchContext';
import { notFound } from '../http/errors';
import { changeDestination, sendNotice } from '../notices/notices';
import { authorize } from '../policies/policies';
import { getVehicle } from '../vehicles/vehicles';
import { assignmentSql } from './assignmentSql';
import { buildOffer } from './assignVehicle';
import { cancelAssignment } from './cancelAssignment';
import { recordVitals } from './recordVitals';
import { reportStatus } from './reportStatus';

const NoticeRequest = z.object({ hospitalId: z.uuid().optional() });

export function assignmentRoutes(ctx: DispatchContext, tokens: TokenService): Router {
  const router = Router();
  const dispatch = requireAuth(tokens, 'incident.dispatch');
  const readers = requireAuth(tokens, 'assignment.read');

  router.get('/assignments/:id', readers, async (req, res) => {
    const id = req.params.id as string;
    const row = isUuid(id) ? (await ctx.db.query(assignmentSql.get, [id])).rows[0] : undefined;
    if (!row) throw notFound(`assignment ${id}`);
    authorize(principalOf(req), 'assignment.read', { vehicleId: row.vehicle_id });
    res.json(await buildOffer(ctx, row.id, false));
  });
  router.get('/vehicles/:id/assignment', readers, async (req, res) => {
    const vehicleId = req.params.id as string;
    authorize(principalOf(req), 'assignment.read', { vehicleId });
    // 204 means "this vehicle is free": a malformed or unknown id is no vehicle at all.
    await getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds);
    const live = (await ctx.db.query(assignmentSql.latestOfVehicle, [vehicleId])).rows[0];
    const row = live ? (await ctx.db.query(assignmentSql.get, [live.id])).rows[0] : undefined;
    if (!row || row.ended_at) {
      res.status(204).end();
      return;
    }
    res.json(await buildOffer(ctx, row.id, false));
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

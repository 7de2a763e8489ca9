import { Router } from 'express';
import { z } from 'zod';
import { actorFrom } from '../audit/audit';
import { principalOf, requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import { isUuid } from '../db/errors';
import type { DispatchContext } from '../dispatchContext';
import { HttpError, notFound } from '../http/errors';
import { changeDestination, sendNotice } from '../notices/notices';
import { assignmentSql } from './assignmentSql';
import { buildOffer } from './assignVehicle';
import { cancelAssignment } from './cancelAssignment';
import { recordVitals } from './recordVitals';
import { reportStatus } from './reportStatus';

const NoticeRequest = z.object({ hospitalId: z.uuid().optional() });

export function assignmentRoutes(ctx: DispatchContext, tokens: TokenService): Router {
  const router = Router();
  const dispatch = requireAuth(tokens, 'dispatcher', 'supervisor', 'admin');
  const dispatchOrCrew = requireAuth(tokens, 'dispatcher', 'supervisor', 'admin', 'crew');

  /** A crew reads only its own vehicle's task. */
  async function ownedAssignment(req: Parameters<typeof principalOf>[0], id: string) {
    const row = isUuid(id) ? (await ctx.db.query(assignmentSql.get, [id])).rows[0] : undefined;
    if (!row) throw notFound(`assignment ${id}`);
    const principal = principalOf(req);
    if (principal.role === 'crew' && principal.vehicleId !== row.vehicle_id) throw new HttpError(403, 'not your vehicle');
    return row;
  }

  router.get('/assignments/:id', dispatchOrCrew, async (req, res) => {
    const row = await ownedAssignment(req, req.params.id as string);
    res.json(await buildOffer(ctx, row.id, false));
  });
  router.get('/vehicles/:id/assignment', dispatchOrCrew, async (req, res) => {
    const principal = principalOf(req);
    if (principal.role === 'crew' && principal.vehicleId !== req.params.id) throw new HttpError(403, 'not your vehicle');
    const live = isUuid(req.params.id as string) ? (await ctx.db.query(assignmentSql.latestOfVehicle, [req.params.id])).rows[0] : undefined;
    const row = live ? (await ctx.db.query(assignmentSql.get, [live.id])).rows[0] : undefined;
    if (!row || row.ended_at) {
      res.status(204).end();
      return;
    }
    res.json(await buildOffer(ctx, row.id, false));
  });
  router.post('/assignments/:id/status', dispatchOrCrew, async (req, res) => {
    const principal = principalOf(req);
    const result = await reportStatus(ctx, actorFrom(req), req.params.id as string, req.body, principal.role === 'crew' ? 'tablet' : 'console');
    res.status(result.applied ? 200 : 202).json(result);
  });
  router.post('/assignments/:id/cancel', dispatch, async (req, res) => {
    res.json(await cancelAssignment(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.put('/assignments/:id/destination', dispatchOrCrew, async (req, res) => {
    res.json(await changeDestination(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.put('/assignments/:id/vitals', dispatchOrCrew, async (req, res) => {
    res.json(await recordVitals(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.post('/assignments/:id/notice', dispatch, async (req, res) => {
    const { hospitalId } = NoticeRequest.parse(req.body ?? {});
    res.status(201).json(await sendNotice(ctx, actorFrom(req), req.params.id as string, hospitalId));
  });
  return router;
}

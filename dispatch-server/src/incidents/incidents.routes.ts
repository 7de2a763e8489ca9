import { Router } from 'express';
import { actorFrom } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import { assignVehicle } from '../assignments/assignVehicle';
import { cancelIncident, closeIncident } from '../assignments/cancelAssignment';
import type { DispatchContext } from '../dispatchContext';
import { recommendForIncident } from '../recommendations/recommendForIncident';
import { createIncident, getIncident, incidentTimeline, listActiveIncidents } from './incidents';

export function incidentRoutes(ctx: DispatchContext, tokens: TokenService): Router {
  const router = Router();
  const intake = requireAuth(tokens, 'incident.create');
  const readers = requireAuth(tokens, 'incident.read');
  const dispatch = requireAuth(tokens, 'incident.dispatch');

  router.post('/incidents', intake, async (req, res) => {
    const { incident, created } = await createIncident(ctx, actorFrom(req), req.body, req.get('Idempotency-Key'));
    res.status(created ? 201 : 200).json(incident);
    // Computed right away and pushed, so the console has the ranking without asking.
    if (created) {
      recommendForIncident(ctx, incident.id).catch((error) =>
        ctx.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'recommendation after intake failed'),
      );
    }
  });
  router.get('/incidents', readers, async (_req, res) => {
    res.json(await listActiveIncidents(ctx.db));
  });
  router.get('/incidents/:id', readers, async (req, res) => {
    res.json(await getIncident(ctx.db, req.params.id as string));
  });
  router.get('/incidents/:id/timeline', readers, async (req, res) => {
    res.json(await incidentTimeline(ctx.db, req.params.id as string));
  });
  router.get('/incidents/:id/recommendations', readers, async (req, res) => {
    res.json(await recommendForIncident(ctx, (await getIncident(ctx.db, req.params.id as string)).id));
  });
  router.post('/incidents/:id/assignments', dispatch, async (req, res) => {
    res.status(201).json(await assignVehicle(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.post('/incidents/:id/cancel', dispatch, async (req, res) => {
    res.json(await cancelIncident(ctx, actorFrom(req), req.params.id as string, req.body));
  });
  router.post('/incidents/:id/close', dispatch, async (req, res) => {
    res.json(await closeIncident(ctx, actorFrom(req), req.params.id as string));
  });
  return router;
}

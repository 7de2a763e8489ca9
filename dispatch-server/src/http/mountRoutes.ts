import { isUuid } from '@dispatch/db';
import { routes, type ParsedRequestOf, type ResponseOf, type RouteDef, type RouteName, type Routes } from '@dispatch/protocol';
import { Router, type Request, type Response } from 'express';
import { actorFrom, type Actor } from '../audit/audit';
import { requireAuth } from '../auth/requireAuth';
import type { TokenService } from '../auth/tokens';
import type { Action } from '../policies/policies';
import { HttpError } from './errors';

/** An answer with another status than the route's usual one (a replayed intake: 200 instead of 201). */
export class Reply<T> {
  constructor(
    readonly status: number,
    readonly body?: T,
  ) {}
}

export interface HandlerContext {
  req: Request;
  res: Response;
  /** Who asks, for the audit log and the policy's resource checks. */
  actor: Actor;
}

/** Answers one route of the table, given its validated request. */
export type Handler<N extends RouteName> = (
  request: ParsedRequestOf<Routes[N]>,
  context: HandlerContext,
) => Promise<ResponseOf<Routes[N]> | Reply<ResponseOf<Routes[N]>>>;

export type Handlers<N extends RouteName = RouteName> = { [K in N]: Handler<K> };

/** `/api/stations/{id}` → `/stations/:id` under a router mounted at `/api`. */
const expressPath = (path: string, prefix: string) => path.slice(prefix.length).replace(/\{(\w+)\}/g, ':$1') || '/';

/**
 * Mounts each handler at its route of the protocol's table, behind the route's policy action: query and body are
 * parsed by the route's schemas (a ZodError becomes a 400 naming the field), the answer is sent with the route's
 * status. Handlers are plain functions of the validated request, so routes hold no parsing or SQL of their own.
 */
export function mountRoutes(tokens: TokenService, handlers: Partial<Handlers>, prefix = '/api'): Router {
  const router = Router();
  for (const [name, handler] of Object.entries(handlers) as [RouteName, Handler<RouteName>][]) {
    const definition: RouteDef = routes[name];
    if (!definition.path.startsWith(prefix)) throw new Error(`${name}: ${definition.path} is not under ${prefix}`);
    const guard = definition.action ? [requireAuth(tokens, definition.action as Action)] : [];
    router[definition.method](expressPath(definition.path, prefix), ...guard, async (req: Request, res: Response) => {
      const request = {
        params: definition.params ? definition.params.parse(req.params) : {},
        query: definition.query ? definition.query.parse(req.query) : {},
        body: definition.body ? definition.body.parse(req.body ?? {}) : undefined,
      } as ParsedRequestOf<Routes[RouteName]>;
      const result = await handler(request, { req, res, actor: actorFrom(req) });
      if (res.headersSent) return;
      const [status, body] = result instanceof Reply ? [result.status, result.body] : [definition.status ?? 200, result];
      // A handler answering nothing answers 204 No Content (a free vehicle has no task), unless it chose a status.
      if (body === undefined) res.status(result instanceof Reply ? status : 204).end();
      else res.status(status).json(body);
    });
  }
  return router;
}

/**
 * Every `{id}` of the table is a UUID, so a malformed one names no resource: 404 before anything else
 * (otherwise a body error would answer first, or "vehicle free" 204 for a vehicle that cannot exist).
 * Mount on the `/api` router ahead of the routes.
 */
export function malformedIdsNotFound(prefix = '/api'): Router {
  const router = Router();
  for (const { path } of Object.values(routes as Record<string, RouteDef>)) {
    if (!path.startsWith(`${prefix}/`) || !path.includes('{id}')) continue;
    const kind = path.split('/')[2]!;
    router.all(expressPath(path, prefix), (req, _res, next) => {
      const id = req.params.id as string;
      next(isUuid(id) ? undefined : new HttpError(404, `no ${kind} with id ${JSON.stringify(id.slice(0, 60))}: ids are UUIDs`));
    });
  }
  return router;
}

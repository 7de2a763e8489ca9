import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ErrorBody, PROTOCOL_VERSION, ROUTE_TAGS, routes, type ResponseOf, type RouteDef, type Routes } from '@dispatch/protocol';
import { rolesFor, readsPersonalData, type Action } from '../policies/policies';

/**
 * The OpenAPI 3.1 document, printed from the protocol's route table: each route's request schemas (the ones the
 * server parses with), its answer and the policy action guarding it, with the roles it allows as `x-roles`
 * (e.g. `crew:own-vehicle`), so tests can be generated from it.
 */
export function buildOpenApiDocument(): ResponseOf<Routes['openApi']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const e of Object.values(routes as Record<string, RouteDef>)) {
    const action = e.action as Action | undefined;
    const { upload } = e as RouteDef & { upload?: { mediaTypes: string[] } };
    registry.registerPath({
      method: e.method,
      path: e.path,
      summary: e.summary,
      ...(e.tag ? { tags: [e.tag] } : {}),
      security: e.public ? [] : [{ [bearer.name]: [] }],
      ...(action ? { 'x-action': action, 'x-roles': rolesFor(action), 'x-personal-data': readsPersonalData(action) } : {}),
      request: {
        ...(e.params ? { params: e.params } : {}),
        ...(e.query ? { query: e.query } : {}),
        ...(e.body ? { body: { content: { 'application/json': { schema: e.body } } } } : {}),
        // A file upload: the body is the file's bytes, in one of the route's media types.
        ...(upload ? { body: { content: Object.fromEntries(upload.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) } } : {}),
      },
      responses: {
        [e.status ?? 200]: {
          description: 'OK',
          ...(e.response ? { content: { 'application/json': { schema: e.response } } } : {}),
        },
        400: { description: 'Invalid input; the message names the field', content: { 'application/json': { schema: ErrorBody } } },
        ...(e.params ? { 404: { description: 'No such resource (a malformed id included)', content: { 'application/json': { schema: ErrorBody } } } } : {}),
        ...(e.public ? {} : { 401: { description: 'Not logged in' }, 403: { description: 'Role not allowed, or not its own vehicle or hospital' } }),
      },
    });
  }
  // The generator's type marks `paths` optional and has no index signature; the document always has paths.
  return <ResponseOf<Routes['openApi']>>(<unknown>new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    tags: Object.entries(ROUTE_TAGS).map(([name, description]) => ({ name, description })),
    info: { title: '120 dispatch API', version: String(PROTOCOL_VERSION), description: 'REST API of the 120 emergency dispatch server. Live updates arrive over socket.io (typed events in the protocol module).' },
  }));
}

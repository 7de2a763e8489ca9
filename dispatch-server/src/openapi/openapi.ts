import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  AssignRequest,
  BindVehicleDeviceRequest,
  CancelRequest,
  ChangePasswordRequest,
  CoverageQuery,
  LoginRequest,
  RouteQuery,
  SetDisabledRequest,
  UserInput,
  ChangeDestinationRequest,
  CreateIncidentRequest,
  CrewMemberInput,
  HealthReport,
  HospitalInput,
  HospitalLoadInput,
  IncidentDto,
  PROTOCOL_VERSION,
  ShiftInput,
  StationInput,
  StatusReport,
  VehicleInput,
  Vitals,
} from '@dispatch/protocol';
import { Router } from 'express';
import { z } from 'zod';
import { isUuid } from '@dispatch/db';
import { HttpError } from '../http/errors';
import { rolesFor, readsPersonalData, type Action } from '../policies/policies';

const ErrorBody = z.object({ error: z.string(), details: z.unknown().optional() });
const Id = z.object({ id: z.uuid() });
const OsmandQuery = z.object({ id: z.string().optional(), lat: z.number().optional(), lon: z.number().optional(), timestamp: z.string().optional(), speed: z.number().optional() });

type Method = RouteConfig['method'];
/** A route: either `public` (no token: the device id is OsmAnd's credential) or guarded by a policy `action`. */
interface Endpoint {
  summary: string;
  action?: Action;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
}

/**
 * Every HTTP endpoint, its request schema (the same zod schema the handler parses), its answer and the policy
 * action guarding it: the document prints the allowed roles as `x-roles` (e.g. `crew:own-vehicle`), so tests
 * can be generated from it. tests/integration/roleMatrix.test.ts fails when the server has a route not listed here.
 */
const endpoints: Record<string, Partial<Record<Method, Endpoint>>> = {
  '/api/health': { get: { summary: 'State of PostgreSQL, PostGIS, pgRouting and Redis', response: HealthReport, public: true } },
  '/api/auth/login': { post: { summary: 'Log in; returns a bearer token for REST and the socket.io handshake', body: LoginRequest, public: true } },
  '/api/auth/me': { get: { action: 'session.own', summary: 'The caller (and whether a new password must be set first)' } },
  '/api/auth/password': { post: { action: 'session.own', summary: 'Change the own password (throttled; required after an admin reset)', body: ChangePasswordRequest } },
  '/api/auth/logout': { post: { action: 'session.own', summary: 'End this session: its token is refused from now on', status: 204 } },
  '/api/openapi.json': { get: { summary: 'This document', public: true } },
  '/api/config': { get: { summary: 'Tile server, map coordinate system, stale-position threshold and protocol version for clients', public: true } },
  '/api/roads': { get: { action: 'map.read', summary: "The project's own road layer as GeoJSON, for a map without tiles", query: z.object({ bbox: z.string(), zoom: z.number().int() }) } },
  '/api/roads/region': { get: { action: 'map.read', summary: 'The active road region: name, synthetic flag, extent' } },
  '/osmand': {
    get: { summary: 'OsmAnd/Traccar Client position (id, lat, lon, timestamp, speed in knots); unknown device id: 404', query: OsmandQuery, public: true },
    post: { summary: 'OsmAnd/Traccar Client positions: query string, urlencoded or JSON body ({ device_id, location })', query: OsmandQuery, public: true },
  },
  '/api/stations': { get: { action: 'station.read', summary: 'Emergency centre and substations' }, post: { action: 'station.manage', summary: 'Add a station (admin)', body: StationInput, status: 201 } },
  '/api/stations/{id}': {
    get: { action: 'station.read', summary: 'One station', params: Id },
    put: { action: 'station.manage', summary: 'Replace a station (admin)', params: Id, body: StationInput },
    delete: { action: 'station.manage', summary: 'Delete a station no vehicle is based at (admin; 409 otherwise)', params: Id, status: 204 },
  },
  '/api/vehicles': { get: { action: 'vehicle.list', summary: 'The fleet with state, task and last position' }, post: { action: 'vehicle.manage', summary: 'Add a vehicle (admin)', body: VehicleInput, status: 201 } },
  '/api/vehicles/{id}': {
    get: { action: 'vehicle.read', summary: 'One vehicle (a crew: its own)', params: Id },
    put: { action: 'vehicle.update', summary: 'Replace a vehicle; in/out of service', params: Id, body: VehicleInput },
    delete: { action: 'vehicle.manage', summary: 'Delete a vehicle without history (admin; 409: take it out of service instead)', params: Id, status: 204 },
  },
  '/api/vehicles/{id}/assignment': { get: { action: 'assignment.read', summary: "The vehicle's live task with route (204 when free)", params: Id } },
  '/api/hospitals': { get: { action: 'hospital.read', summary: 'Network hospitals with capabilities and load status' }, post: { action: 'hospital.manage', summary: 'Add a hospital (admin)', body: HospitalInput, status: 201 } },
  '/api/hospitals/{id}': {
    get: { action: 'hospital.read', summary: 'One hospital', params: Id },
    put: { action: 'hospital.manage', summary: 'Replace a hospital (admin)', params: Id, body: HospitalInput },
    delete: { action: 'hospital.manage', summary: 'Delete a hospital without notices, incidents or logins (admin)', params: Id, status: 204 },
  },
  '/api/crew-members/{id}': { delete: { action: 'crew.manage', summary: 'Delete a crew member (supervisor, admin)', params: Id, status: 204 } },
  '/api/shifts/{id}': { delete: { action: 'crew.manage', summary: 'Delete a shift (supervisor, admin)', params: Id, status: 204 } },
  '/api/hospitals/{id}/load': { put: { action: 'hospital.setLoad', summary: 'Publish load status blue/yellow/red/closed', params: Id, body: HospitalLoadInput } },
  '/api/users/{id}/disabled': { put: { action: 'user.manage', summary: 'Disable or enable a login; its sessions end at once', params: Id, body: SetDisabledRequest } },
  '/api/users/{id}/password-reset': { post: { action: 'user.manage', summary: 'A one-time password the user must change at the next login', params: Id } },
  '/api/users': { get: { action: 'user.list', summary: 'Logins (admin, supervisor)' }, post: { action: 'user.create', summary: 'Create a login (admin)', body: UserInput, status: 201 } },
  '/api/crew-members': { get: { action: 'crew.read', summary: 'Crew members' }, post: { action: 'crew.manage', summary: 'Add a crew member', body: CrewMemberInput, status: 201 } },
  '/api/shifts': { get: { action: 'crew.read', summary: 'Shifts now or at ?at=', query: z.object({ at: z.string().optional() }) }, post: { action: 'crew.manage', summary: 'Staff a vehicle for a period', body: ShiftInput, status: 201 } },
  '/api/places': { get: { action: 'map.read', summary: 'Gazetteer search by Chinese or English name', query: z.object({ q: z.string(), limit: z.number().optional() }) } },
  '/api/incidents': {
    get: { action: 'incident.read', summary: 'The incident queue: unfinished by priority and waiting time, then recently closed' },
    post: { action: 'incident.create', summary: 'Take a call (Idempotency-Key header honoured: a retry returns 200 and the same incident)', body: CreateIncidentRequest, response: IncidentDto, status: 201 },
  },
  '/api/incidents/{id}': { get: { action: 'incident.read', summary: 'One incident with its assignments', params: Id, response: IncidentDto } },
  '/api/incidents/{id}/timeline': { get: { action: 'incident.read', summary: 'Every status event by device time, with receive time and actor', params: Id } },
  '/api/incidents/{id}/recommendations': { get: { action: 'incident.read', summary: 'Vehicles ranked by road ETA, exclusions with reasons, responsible station, proposed hospital', params: Id } },
  '/api/incidents/{id}/assignments': { post: { action: 'incident.dispatch', summary: 'Assign a vehicle (409 when it is already on an incident)', params: Id, body: AssignRequest, status: 201 } },
  '/api/incidents/{id}/cancel': { post: { action: 'incident.dispatch', summary: 'Cancel the incident and release its vehicles', params: Id, body: CancelRequest } },
  '/api/incidents/{id}/close': { post: { action: 'incident.dispatch', summary: 'Close an incident no vehicle is working on', params: Id } },
  '/api/assignments/{id}': { get: { action: 'assignment.read', summary: 'A task as the crew sees it, with route', params: Id } },
  '/api/assignments/{id}/status': { post: { action: 'assignment.report', summary: 'Report a lifecycle step (device time; replays are idempotent by eventId)', params: Id, body: StatusReport } },
  '/api/assignments/{id}/cancel': { post: { action: 'incident.dispatch', summary: 'Withdraw the vehicle (to re-assign)', params: Id, body: CancelRequest } },
  '/api/assignments/{id}/destination': { put: { action: 'assignment.changeDestination', summary: 'Change the destination hospital', params: Id, body: ChangeDestinationRequest } },
  '/api/assignments/{id}/vitals': { put: { action: 'assignment.recordVitals', summary: 'Record vital signs for the hospital notice', params: Id, body: Vitals } },
  '/api/assignments/{id}/notice': { post: { action: 'incident.dispatch', summary: 'Send the hospital notice now (before transport)', params: Id, status: 201 } },
  '/api/notices': { get: { action: 'notice.read', summary: 'Hospital notices (a hospital: its own)' } },
  '/api/notices/{id}': { get: { action: 'notice.read', summary: 'One notice', params: Id } },
  '/api/notices/{id}/acknowledge': { post: { action: 'notice.acknowledge', summary: 'The hospital acknowledges', params: Id } },
  '/api/notices/{id}/fhir': { get: { action: 'notice.read', summary: 'The notice as an HL7 FHIR R4 message Bundle', params: Id } },
  '/api/route': { get: { action: 'map.read', summary: 'Fastest route with geometry and turn-by-turn steps', query: RouteQuery } },
  '/api/coverage/catchments': { get: { action: 'coverage.read', summary: 'Drive-time catchment of each station (or hospital) as GeoJSON polygons', query: CoverageQuery } },
  '/api/coverage/isochrones': { get: { action: 'coverage.read', summary: 'Areas within 10/20/30 min of the nearest station (or hospital), GeoJSON', query: CoverageQuery } },
  '/api/coverage/summary': { get: { action: 'coverage.read', summary: 'The 30-minute circle in figures: road and village shares, villages outside', query: CoverageQuery } },
  '/api/audit': { get: { action: 'audit.read', summary: 'Audit log (supervisor, admin)' } },
  '/api/incidents/{id}/etimes': { get: { action: 'incident.read', summary: 'Response times as NEMSIS v3 eTimes, one record per vehicle', params: Id } },
  '/api/incidents/{id}/eido': { get: { action: 'incident.read', summary: 'The incident as a NENA EIDO JSON document', params: Id } },
  '/api/reports/quality': {
    get: { action: 'report.read', summary: '120 quality indicators (10 s answer, 3-minute turnout), NFPA 1225, 90th percentile response', query: z.object({ from: z.string(), to: z.string() }) },
  },
  '/api/vehicles/{id}/device': { put: { action: 'vehicle.bindDevice', summary: 'Bind (or with null unbind) a GPS / OsmAnd device id to the vehicle (admin)', params: Id, body: BindVehicleDeviceRequest } },
};

/**
 * Every `{id}` of a documented path is a UUID, so a malformed one names no resource: 404 before anything else
 * (otherwise a body error would answer first, or "vehicle free" 204 for a vehicle that cannot exist).
 * Mount on the `/api` router ahead of the routes.
 */
export function malformedIdsNotFound(): Router {
  const router = Router();
  for (const path of Object.keys(endpoints).filter((p) => p.startsWith('/api/') && p.includes('{id}'))) {
    const kind = path.split('/')[2]!;
    router.all(path.slice('/api'.length).replace('{id}', ':id'), (req, _res, next) => {
      const id = req.params.id as string;
      next(isUuid(id) ? undefined : new HttpError(404, `no ${kind} with id ${JSON.stringify(id.slice(0, 60))}: ids are UUIDs`));
    });
  }
  return router;
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [path, methods] of Object.entries(endpoints)) {
    for (const [method, e] of Object.entries(methods) as [Method, Endpoint][]) {
      if (!e.public === !e.action) throw new Error(`${method} ${path}: either public or guarded by a policy action`);
      registry.registerPath({
        method,
        path,
        summary: e.summary,
        security: e.public ? [] : [{ [bearer.name]: [] }],
        ...(e.action ? { 'x-action': e.action, 'x-roles': rolesFor(e.action), 'x-personal-data': readsPersonalData(e.action) } : {}),
        request: {
          ...(e.params ? { params: e.params } : {}),
          ...(e.query ? { query: e.query } : {}),
          ...(e.body ? { body: { content: { 'application/json': { schema: e.body } } } } : {}),
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
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: '120 dispatch API', version: String(PROTOCOL_VERSION), description: 'REST API of the 120 emergency dispatch server. Live updates arrive over socket.io (typed events in the protocol module).' },
  });
}

import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  AssignRequest,
  BindVehicleDeviceRequest,
  CancelRequest,
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
import { z } from 'zod';
import { LoginRequest } from '../auth/auth.schema';
import { CoverageQuery } from '../coverage/coverage';
import { RouteQuery } from '../routing/routing.schema';
import { UserInput } from '../users/users';

const ErrorBody = z.object({ error: z.string(), details: z.unknown().optional() });
const Id = z.object({ id: z.uuid() });

type Method = RouteConfig['method'];
interface Endpoint {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
}

/** Every REST endpoint, its request schema (the same zod schema the handler parses) and its answer. */
const endpoints: Record<string, Partial<Record<Method, Endpoint>>> = {
  '/api/health': { get: { summary: 'State of PostgreSQL, PostGIS, pgRouting and Redis', response: HealthReport, public: true } },
  '/api/auth/login': { post: { summary: 'Log in; returns a bearer token for REST and the socket.io handshake', body: LoginRequest, public: true } },
  '/api/auth/me': { get: { summary: 'The caller' } },
  '/api/stations': { get: { summary: 'Emergency centre and substations' }, post: { summary: 'Add a station (admin)', body: StationInput, status: 201 } },
  '/api/stations/{id}': {
    get: { summary: 'One station', params: Id },
    put: { summary: 'Replace a station (admin)', params: Id, body: StationInput },
    delete: { summary: 'Delete a station no vehicle is based at (admin; 409 otherwise)', params: Id, status: 204 },
  },
  '/api/vehicles': { get: { summary: 'The fleet with state, task and last position' }, post: { summary: 'Add a vehicle (admin)', body: VehicleInput, status: 201 } },
  '/api/vehicles/{id}': {
    get: { summary: 'One vehicle (a crew: its own)', params: Id },
    put: { summary: 'Replace a vehicle; in/out of service', params: Id, body: VehicleInput },
    delete: { summary: 'Delete a vehicle without history (admin; 409: take it out of service instead)', params: Id, status: 204 },
  },
  '/api/vehicles/{id}/assignment': { get: { summary: "The vehicle's live task with route (204 when free)", params: Id } },
  '/api/hospitals': { get: { summary: 'Network hospitals with capabilities and load status' }, post: { summary: 'Add a hospital (admin)', body: HospitalInput, status: 201 } },
  '/api/hospitals/{id}': {
    get: { summary: 'One hospital', params: Id },
    put: { summary: 'Replace a hospital (admin)', params: Id, body: HospitalInput },
    delete: { summary: 'Delete a hospital without notices, incidents or logins (admin)', params: Id, status: 204 },
  },
  '/api/crew-members/{id}': { delete: { summary: 'Delete a crew member (supervisor, admin)', params: Id, status: 204 } },
  '/api/shifts/{id}': { delete: { summary: 'Delete a shift (supervisor, admin)', params: Id, status: 204 } },
  '/api/hospitals/{id}/load': { put: { summary: 'Publish load status blue/yellow/red/closed', params: Id, body: HospitalLoadInput } },
  '/api/users': { get: { summary: 'Logins (admin, supervisor)' }, post: { summary: 'Create a login (admin)', body: UserInput, status: 201 } },
  '/api/crew-members': { get: { summary: 'Crew members' }, post: { summary: 'Add a crew member', body: CrewMemberInput, status: 201 } },
  '/api/shifts': { get: { summary: 'Shifts now or at ?at=', query: z.object({ at: z.string().optional() }) }, post: { summary: 'Staff a vehicle for a period', body: ShiftInput, status: 201 } },
  '/api/places': { get: { summary: 'Gazetteer search by Chinese or English name', query: z.object({ q: z.string(), limit: z.number().optional() }) } },
  '/api/incidents': {
    get: { summary: 'The incident queue: unfinished by priority and waiting time, then recently closed' },
    post: { summary: 'Take a call (Idempotency-Key header honoured: a retry returns 200 and the same incident)', body: CreateIncidentRequest, response: IncidentDto, status: 201 },
  },
  '/api/incidents/{id}': { get: { summary: 'One incident with its assignments', params: Id, response: IncidentDto } },
  '/api/incidents/{id}/timeline': { get: { summary: 'Every status event by device time, with receive time and actor', params: Id } },
  '/api/incidents/{id}/recommendations': { get: { summary: 'Vehicles ranked by road ETA, exclusions with reasons, responsible station, proposed hospital', params: Id } },
  '/api/incidents/{id}/assignments': { post: { summary: 'Assign a vehicle (409 when it is already on an incident)', params: Id, body: AssignRequest, status: 201 } },
  '/api/incidents/{id}/cancel': { post: { summary: 'Cancel the incident and release its vehicles', params: Id, body: CancelRequest } },
  '/api/incidents/{id}/close': { post: { summary: 'Close an incident no vehicle is working on', params: Id } },
  '/api/assignments/{id}': { get: { summary: 'A task as the crew sees it, with route', params: Id } },
  '/api/assignments/{id}/status': { post: { summary: 'Report a lifecycle step (device time; replays are idempotent by eventId)', params: Id, body: StatusReport } },
  '/api/assignments/{id}/cancel': { post: { summary: 'Withdraw the vehicle (to re-assign)', params: Id, body: CancelRequest } },
  '/api/assignments/{id}/destination': { put: { summary: 'Change the destination hospital', params: Id, body: ChangeDestinationRequest } },
  '/api/assignments/{id}/vitals': { put: { summary: 'Record vital signs for the hospital notice', params: Id, body: Vitals } },
  '/api/assignments/{id}/notice': { post: { summary: 'Send the hospital notice now (before transport)', params: Id, status: 201 } },
  '/api/notices': { get: { summary: 'Hospital notices (a hospital: its own)' } },
  '/api/notices/{id}': { get: { summary: 'One notice', params: Id } },
  '/api/notices/{id}/acknowledge': { post: { summary: 'The hospital acknowledges', params: Id } },
  '/api/notices/{id}/fhir': { get: { summary: 'The notice as an HL7 FHIR R4 message Bundle', params: Id } },
  '/api/route': { get: { summary: 'Fastest route with geometry and turn-by-turn steps', query: RouteQuery } },
  '/api/coverage/catchments': { get: { summary: 'Drive-time catchment of each station (or hospital) as GeoJSON polygons', query: CoverageQuery } },
  '/api/coverage/isochrones': { get: { summary: 'Areas within 10/20/30 min of the nearest station (or hospital), GeoJSON', query: CoverageQuery } },
  '/api/coverage/summary': { get: { summary: 'The 30-minute circle in figures: road and village shares, villages outside', query: CoverageQuery } },
  '/api/audit': { get: { summary: 'Audit log (supervisor, admin)' } },
  '/api/incidents/{id}/etimes': { get: { summary: 'Response times as NEMSIS v3 eTimes, one record per vehicle', params: Id } },
  '/api/incidents/{id}/eido': { get: { summary: 'The incident as a NENA EIDO JSON document', params: Id } },
  '/api/reports/quality': {
    get: { summary: '120 quality indicators (10 s answer, 3-minute turnout), NFPA 1225, 90th percentile response', query: z.object({ from: z.string(), to: z.string() }) },
  },
  '/api/vehicles/{id}/device': { put: { summary: 'Bind (or with null unbind) a GPS / OsmAnd device id to the vehicle (admin)', params: Id, body: BindVehicleDeviceRequest } },
};

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [path, methods] of Object.entries(endpoints)) {
    for (const [method, e] of Object.entries(methods) as [Method, Endpoint][]) {
      registry.registerPath({
        method,
        path,
        summary: e.summary,
        security: e.public ? [] : [{ [bearer.name]: [] }],
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
          ...(e.public ? {} : { 401: { description: 'Not logged in' }, 403: { description: 'Role not allowed' } }),
        },
      });
    }
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: '120 dispatch API', version: String(PROTOCOL_VERSION), description: 'REST API of the 120 emergency dispatch server. Live updates arrive over socket.io (typed events in the protocol module).' },
  });
}

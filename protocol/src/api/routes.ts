import { z } from 'zod';
import {
  AuditEntryDto,
  AuditQuery,
  ChangePasswordRequest,
  LoginRequest,
  LoginResult,
  Me,
  PasswordReset,
  SetDisabledRequest,
  SetUserCentreRequest,
  UserDto,
  UserInput,
} from '../accounts';
import {
  CrewMemberListQuery,
  CrewMemberPage,
  HospitalListQuery,
  HospitalPage,
  StationListQuery,
  StationPage,
  UserListQuery,
  UserPage,
  VehicleListQuery,
  VehiclePage,
} from '../admin';
import { HealthReport } from '../health';
import { CentreDto } from '../centres';
import {
  AssignmentDto,
  AssignmentOfferDto,
  AssignRequest,
  CancelRequest,
  ChangeDestinationRequest,
  CreateIncidentRequest,
  FhirBundle,
  HospitalNoticeDto,
  IncidentDto,
  RecommendationDto,
  SendNoticeRequest,
  StatusEventDto,
  StatusReport,
  StatusReportOutcome,
  Vitals,
} from '../incidents';
import { AlertDto, AlertStateRequest } from '../alerts';
import { MessageDto, SendMessageRequest } from '../messages';
import { RequestTransferRequest, TransferDto, TransferReasonRequest } from '../transfers';
import { CONSULTATION_MEDIA_TYPES, ConsultationDto, ConsultationEntryDto, ConsultationUploadQuery, SendConsultationTextRequest } from '../consultations';
import { ClientConfigDto } from '../mapDisplay';
import { CreatedIncidentDto, FollowUpRequest, PhoneCallDto, PhoneCallEvent, PhoneCallQuery, RelatedAnswer, RelatedQuery } from '../telephony';
import { CatchmentsDto, CoverageSummaryDto, IsochronesDto, RoadFeatureCollection, RoadRegionDto, RoadRouteDto } from '../mapAnswers';
import { CoverageQuery, RoadsQuery, RouteQuery } from '../mapQueries';
import { LiveCoverageDto, MoveUpSuggestionsDto, RepositionDto, RepositionStatusRequest, SendRepositionRequest } from '../moveUp';
import { BindVehicleDeviceRequest, OsmandAnswer, VehicleDeviceDto } from '../positions';
import {
  BreakdownDto,
  BreakdownExportQuery,
  BreakdownQuery,
  EidoDocument,
  ETimesDto,
  IncidentPageDto,
  IncidentSearchQuery,
  IncidentTrackDto,
  QualityIndicatorsDto,
  QualityQuery,
} from '../reports';
import {
  CrewMemberDto,
  CrewMemberInput,
  HospitalDto,
  HospitalInput,
  HospitalLoadInput,
  PlaceDto,
  PlaceQuery,
  ReverseGeocodeDto,
  ReverseGeocodeQuery,
  ShiftDto,
  ShiftInput,
  ShiftQuery,
  StationDto,
  StationInput,
  VehicleDto,
  VehicleInput,
} from '../resources';
import { BULK_MEDIA_TYPES, BulkExportQuery, BulkPreviewDto, BulkResultDto, BulkUploadQuery } from '../bulk';
import {
  CategoryRequirementDto,
  LiveRegionInput,
  RoadClassSpeedsDto,
  RoadClassSpeedsInput,
  RoadImportJobDto,
  RoadNetworksDto,
  RoadUploadQuery,
} from '../operatorData';
import {
  CareFlagsDto,
  FollowUpQuery,
  IncidentRegisterDto,
  MarkFollowUpsSentAnswer,
  MarkFollowUpsSentRequest,
  REGISTER_MEDIA_TYPES,
  RegisterFollowUpDto,
  RegisterImportQuery,
  RegisterImportReport,
  RegisterMatchAnswer,
  RegisterMatchRequest,
  ResidentListQuery,
  ResidentPage,
} from '../register';
import { del, get, post, PUBLIC, put } from './contract';

// The OsmAnd endpoint's main parameters, for the document only: the server parses its several request formats
// itself (dispatch-server/src/positions/osmand.ts).
const OsmandQuery = z.object({
  id: z.string().optional(),
  lat: z.coerce.number().optional(),
  lon: z.coerce.number().optional(),
  timestamp: z.string().optional(),
  speed: z.coerce.number().optional(),
});

/**
 * Every HTTP endpoint of the dispatch server, by name. The server mounts a handler for each name (a missing one
 * fails `tsc`), prints the OpenAPI document from this table, and the one client calls endpoints by these names.
 */
export const routes = {
  // The server itself
  health: get('/api/health', PUBLIC, 'State of PostgreSQL, PostGIS, pgRouting and Redis', { response: HealthReport }),
  openApi: get('/api/openapi.json', PUBLIC, 'This document', { response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) }),
  clientConfig: get('/api/config', PUBLIC, 'Tile server, map coordinate system, stale-position threshold and protocol version for clients',
    { response: ClientConfigDto }),

  // Sessions and logins
  login: post('/api/auth/login', PUBLIC, 'Log in; returns a bearer token for REST and the socket.io handshake', { body: LoginRequest, response: LoginResult }),
  me: get('/api/auth/me', 'session.own', 'The caller (and whether a new password must be set first)', { response: Me }),
  changePassword: post('/api/auth/password', 'session.own', 'Change the own password (throttled; required after an admin reset)',
    { body: ChangePasswordRequest, response: LoginResult }),
  logout: post('/api/auth/logout', 'session.own', 'End this session: its token is refused from now on', { status: 204 }),
  listUsers: get('/api/users', 'user.list', 'Logins (admin, supervisor)', { response: z.array(UserDto) }),
  createUser: post('/api/users', 'user.create', 'Create a login (admin)', { body: UserInput, response: UserDto, status: 201 }),
  setUserDisabled: put('/api/users/{id}/disabled', 'user.manage', 'Disable or enable a login; its sessions end at once', { body: SetDisabledRequest, response: UserDto }),
  resetUserPassword: post('/api/users/{id}/password-reset', 'user.manage', 'A one-time password the user must change at the next login', { response: PasswordReset }),
  setUserCentre: put('/api/users/{id}/centre', 'user.manage', "A dispatcher's or supervisor's centre (null: every centre); its sessions end", { body: SetUserCentreRequest, response: UserDto }),

  // Stations, vehicles, hospitals, crews
  listCentres: get('/api/centres', 'station.read', 'The dispatch centres (counties) of this database', { response: z.array(CentreDto) }),
  listStations: get('/api/stations', 'station.read', 'Emergency centre and substations', { response: z.array(StationDto) }),
  createStation: post('/api/stations', 'station.manage', 'Add a station (admin)', { body: StationInput, response: StationDto, status: 201 }),
  getStation: get('/api/stations/{id}', 'station.read', 'One station', { response: StationDto }),
  updateStation: put('/api/stations/{id}', 'station.manage', 'Replace a station (admin)', { body: StationInput, response: StationDto }),
  deleteStation: del('/api/stations/{id}', 'station.manage', 'Delete a station no vehicle is based at (admin; 409 otherwise)', { status: 204 }),
  listVehicles: get('/api/vehicles', 'vehicle.list', 'The fleet with state, task and last position', { response: z.array(VehicleDto) }),
  createVehicle: post('/api/vehicles', 'vehicle.manage', 'Add a vehicle (admin)', { body: VehicleInput, response: VehicleDto, status: 201 }),
  getVehicle: get('/api/vehicles/{id}', 'vehicle.read', 'One vehicle (a crew: its own)', { response: VehicleDto }),
  updateVehicle: put('/api/vehicles/{id}', 'vehicle.update', 'Replace a vehicle; in/out of service', { body: VehicleInput, response: VehicleDto }),
  deleteVehicle: del('/api/vehicles/{id}', 'vehicle.manage', 'Delete a vehicle without history (admin; 409: take it out of service instead)', { status: 204 }),
  bindVehicleDevice: put('/api/vehicles/{id}/device', 'vehicle.bindDevice', 'Bind (or with null unbind) a GPS / OsmAnd device id to the vehicle (admin)',
    { body: BindVehicleDeviceRequest, response: VehicleDeviceDto }),
  listHospitals: get('/api/hospitals', 'hospital.read', 'Network hospitals with capabilities and load status', { response: z.array(HospitalDto) }),
  createHospital: post('/api/hospitals', 'hospital.manage', 'Add a hospital (admin)', { body: HospitalInput, response: HospitalDto, status: 201 }),
  getHospital: get('/api/hospitals/{id}', 'hospital.read', 'One hospital', { response: HospitalDto }),
  updateHospital: put('/api/hospitals/{id}', 'hospital.manage', 'Replace a hospital (admin)', { body: HospitalInput, response: HospitalDto }),
  deleteHospital: del('/api/hospitals/{id}', 'hospital.manage', 'Delete a hospital without notices, incidents or logins (admin)', { status: 204 }),
  setHospitalLoad: put('/api/hospitals/{id}/load', 'hospital.setLoad', 'Publish load status blue/yellow/red/closed', { body: HospitalLoadInput, response: HospitalDto }),
  listCrewMembers: get('/api/crew-members', 'crew.read', 'Crew members', { response: z.array(CrewMemberDto) }),
  createCrewMember: post('/api/crew-members', 'crew.manage', 'Add a crew member', { body: CrewMemberInput, response: CrewMemberDto, status: 201 }),
  deleteCrewMember: del('/api/crew-members/{id}', 'crew.manage', 'Delete a crew member (supervisor, admin)', { status: 204 }),
  listShifts: get('/api/shifts', 'crew.read', 'Shifts now, at ?at=, or overlapping ?from=&to= (a roster week), of one ?vehicleId=', { query: ShiftQuery, response: z.array(ShiftDto) }),
  createShift: post('/api/shifts', 'crew.manage', 'Staff a vehicle for a period', { body: ShiftInput, response: ShiftDto, status: 201 }),
  deleteShift: del('/api/shifts/{id}', 'crew.manage', 'Delete a shift (supervisor, admin)', { status: 204 }),

  // Pages of the same lists for the administrator's screens: sorted, filtered and cut on the server, with the total
  // (the plain lists above stay whole for the consoles and tablets that keep every entry)
  stationPage: get('/api/pages/stations', 'station.read', 'A page of stations: ?page, pageSize, sort (code, -code, name…), q', { query: StationListQuery, response: StationPage }),
  vehiclePage: get('/api/pages/vehicles', 'vehicle.list', 'A page of the fleet: ?page, pageSize, sort (callSign, state, homeStation…), q, homeStationId',
    { query: VehicleListQuery, response: VehiclePage }),
  hospitalPage: get('/api/pages/hospitals', 'hospital.read', 'A page of hospitals: ?page, pageSize, sort (code, name, kind, loadStatus), q',
    { query: HospitalListQuery, response: HospitalPage }),
  userPage: get('/api/pages/users', 'user.list', 'A page of logins: ?page, pageSize, sort (username, displayName, role), q, role', { query: UserListQuery, response: UserPage }),
  crewMemberPage: get('/api/pages/crew-members', 'crew.read', 'A page of crew members: ?page, pageSize, sort (name, crewRole), q',
    { query: CrewMemberListQuery, response: CrewMemberPage }),

  // Call intake and dispatch
  searchPlaces: get('/api/places', 'map.read', 'Gazetteer search by Chinese, English, full pinyin or pinyin initials; nearer the view centre (near=LON,LAT) first among equal matches',
    { query: PlaceQuery, response: z.array(PlaceDto) }),
  reverseGeocode: get('/api/places/nearest', 'map.read', 'The nearest place and named road to a point (a map click), with its town', { query: ReverseGeocodeQuery, response: ReverseGeocodeDto }),
  listIncidents: get('/api/incidents', 'incident.read', 'The incident queue: unfinished by priority and waiting time, then recently closed',
    { response: z.array(IncidentDto) }),
  createIncident: post('/api/incidents', 'incident.create', 'Take a call (Idempotency-Key header honoured: a retry returns 200 and the same incident)',
    { body: CreateIncidentRequest, response: CreatedIncidentDto, status: 201 }),
  getIncident: get('/api/incidents/{id}', 'incident.read', 'One incident with its assignments', { response: IncidentDto }),
  getTimeline: get('/api/incidents/{id}/timeline', 'incident.read', 'Every status event by device time, with receive time and actor',
    { response: z.array(StatusEventDto) }),
  getRecommendations: get('/api/incidents/{id}/recommendations', 'incident.read', 'Vehicles ranked by road ETA, exclusions with reasons, responsible station, proposed hospital',
    { response: RecommendationDto }),
  assignVehicle: post('/api/incidents/{id}/assignments', 'incident.dispatch', 'Assign a vehicle (409 when it is already on an incident)',
    { body: AssignRequest, response: AssignmentOfferDto, status: 201 }),
  cancelIncident: post('/api/incidents/{id}/cancel', 'incident.dispatch', 'Cancel the incident and release its vehicles', { body: CancelRequest, response: IncidentDto }),
  closeIncident: post('/api/incidents/{id}/close', 'incident.dispatch', 'Close an incident no vehicle is working on', { response: IncidentDto }),
  getEtimes: get('/api/incidents/{id}/etimes', 'incident.read', 'Response times as NEMSIS v3 eTimes, one record per vehicle', { response: ETimesDto }),
  getEido: get('/api/incidents/{id}/eido', 'incident.read', 'The incident as a NENA EIDO JSON document', { response: EidoDocument }),
  getVehicleAssignment: get('/api/vehicles/{id}/assignment', 'assignment.read', "The vehicle's live task with route (204 when free)", { response: AssignmentOfferDto.optional() }),
  getAssignment: get('/api/assignments/{id}', 'assignment.read', 'A task as the crew sees it, with route', { response: AssignmentOfferDto }),
  reportStatus: post('/api/assignments/{id}/status', 'assignment.report', 'Report a lifecycle step (device time; replays are idempotent by eventId; 202 when kept as record only)',
    { body: StatusReport, response: StatusReportOutcome }),
  cancelAssignment: post('/api/assignments/{id}/cancel', 'incident.dispatch', 'Withdraw the vehicle (to re-assign)', { body: CancelRequest, response: IncidentDto }),
  changeDestination: put('/api/assignments/{id}/destination', 'assignment.changeDestination', 'Change the destination hospital',
    { body: ChangeDestinationRequest, response: AssignmentDto }),
  recordVitals: put('/api/assignments/{id}/vitals', 'assignment.recordVitals', 'Record vital signs for the hospital notice', { body: Vitals, response: Vitals }),
  sendNotice: post('/api/assignments/{id}/notice', 'incident.dispatch', 'Send the hospital notice now (before transport)',
    { body: SendNoticeRequest, response: HospitalNoticeDto, status: 201 }),

  // Alerts and the task channel between dispatchers and crews
  listAlerts: get('/api/alerts', 'alert.read', "What the dispatchers must not miss now (derived from incidents, tasks and notices), with the caller's own acknowledgement or mute",
    { response: z.array(AlertDto) }),
  setAlertState: put('/api/alerts/state', 'alert.acknowledge', 'Acknowledge, mute or re-activate one alert for the caller (kept per login)',
    { body: AlertStateRequest, response: AlertStateRequest }),
  listMessages: get('/api/assignments/{id}/messages', 'message.read', "The task's messages between the dispatchers and its crew, oldest first",
    { response: z.array(MessageDto) }),
  sendMessage: post('/api/assignments/{id}/messages', 'message.send', 'Send a message to the task channel (201; a replay of the same messageId: 200 and the stored message)',
    { body: SendMessageRequest, response: MessageDto, status: 201 }),

  // The consultation of a patient (远程会诊) between the crew, the receiving hospital's doctor and the dispatchers
  getConsultation: get('/api/assignments/{id}/consultation', 'consultation.read', "The task's consultation: messages, the vital-sign series, photos and documents, the doctor's answers", { response: ConsultationDto }),
  getNoticeConsultation: get('/api/notices/{id}/consultation', 'consultation.read', "The consultation of a notice's patient (the receiving hospital's board)", { response: ConsultationDto }),
  sendConsultationText: post('/api/assignments/{id}/consultation/messages', 'consultation.send', 'A message or a doctor\'s answer (201; a replay of the same entryId: 200 and the stored entry)', { body: SendConsultationTextRequest, response: ConsultationEntryDto, status: 201 }),
  uploadConsultationAttachment: post('/api/assignments/{id}/consultation/attachments', 'consultation.send', 'A photo (JPEG, PNG) or PDF as the body, checked by its first bytes; 413 past the size limit, 415 another type', { query: ConsultationUploadQuery, response: ConsultationEntryDto, status: 201, upload: { mediaTypes: [...CONSULTATION_MEDIA_TYPES], maxBytes: 5 * 1024 * 1024 } }),
  getConsultationAttachment: get('/api/consultation-attachments/{id}', 'consultation.read', 'The file of an attachment entry, for the consultation\'s readers (nosniff, a safe Content-Disposition)', { response: z.unknown().meta({ description: 'the file (image/jpeg, image/png or application/pdf)' }) }),

  // The phone system (CTI) and related calls
  reportPhoneCall: post('/api/telephony/events', 'telephony.report',
    'The phone system reports a call ringing, answered or ended on a line, with the caller number and location (AML or cell); replays and late events change nothing already recorded',
    { body: PhoneCallEvent, response: PhoneCallDto, tag: 'telephony' }),
  listPhoneCalls: get('/api/phone-calls', 'phoneCall.read', 'Calls that rang in the last minutes and are not yet linked to an incident (the intake pop-ups after a reload)',
    { query: PhoneCallQuery, response: z.array(PhoneCallDto), tag: 'telephony' }),
  getIncidentCalls: get('/api/incidents/{id}/calls', 'phoneCall.read', 'The calls of an incident: the one it was taken from and its follow-ups, with times, numbers and recording references',
    { response: z.array(PhoneCallDto), tag: 'telephony' }),
  relatedIncidents: post('/api/intake/related', 'incident.read',
    "Open incidents related to a call being taken (same number, close in place and time, same address) with the reasons, and the number's earlier incidents; POST keeps the number out of URLs",
    { body: RelatedQuery, response: RelatedAnswer, tag: 'telephony' }),
  linkFollowUp: post('/api/incidents/{id}/follow-ups', 'incident.create', 'Record a call about an open incident (催车 / 重复来电) on its timeline instead of a new incident',
    { body: FollowUpRequest, response: StatusEventDto, status: 201, tag: 'telephony' }),

  // Hospitals' incoming patients
  listNotices: get('/api/notices', 'notice.read', 'Hospital notices (a hospital: its own)', { response: z.array(HospitalNoticeDto) }),
  getNotice: get('/api/notices/{id}', 'notice.read', 'One notice', { response: HospitalNoticeDto }),
  acknowledgeNotice: post('/api/notices/{id}/acknowledge', 'notice.acknowledge', 'The hospital acknowledges', { response: HospitalNoticeDto }),
  getNoticeFhir: get('/api/notices/{id}/fhir', 'notice.read', 'The notice as an HL7 FHIR R4 message Bundle (application/fhir+json)', { response: FhirBundle }),

  // Inter-facility transfers and two-way referrals (上转 / 下转) between network hospitals
  listTransfers: get('/api/transfers', 'transfer.read', 'Open and recent transfers (a hospital: those it sends or receives)', { response: z.array(TransferDto) }),
  requestTransfer: post('/api/transfers', 'transfer.request', 'A hospital requests a transfer from itself to another network hospital, now or at scheduledAt',
    { body: RequestTransferRequest, response: TransferDto, status: 201 }),
  getTransfer: get('/api/transfers/{id}', 'transfer.read', 'One transfer with where its dispatch is (phase, vehicle, ETA)', { response: TransferDto }),
  acceptTransfer: post('/api/transfers/{id}/accept', 'transfer.respond', 'The receiving hospital accepts: queued for dispatch when due', { response: TransferDto }),
  declineTransfer: post('/api/transfers/{id}/decline', 'transfer.respond', 'The receiving hospital declines, with the reason',
    { body: TransferReasonRequest, response: TransferDto }),
  cancelTransfer: post('/api/transfers/{id}/cancel', 'transfer.cancel', 'The requesting hospital withdraws it before a vehicle is on it (it leaves the queue)',
    { body: TransferReasonRequest, response: TransferDto }),

  // Map, roads, coverage, positions, reports
  roads: get('/api/roads', 'map.read', "The project's own road layer as GeoJSON, for a map without tiles", { query: RoadsQuery, response: RoadFeatureCollection }),
  roadRegion: get('/api/roads/region', 'map.read', 'The active road region: name, synthetic flag, extent', { response: RoadRegionDto }),
  route: get('/api/route', 'map.read', 'Fastest route with geometry and turn-by-turn steps', { query: RouteQuery, response: RoadRouteDto }),
  catchments: get('/api/coverage/catchments', 'coverage.read', 'Drive-time catchment of each station (or hospital) as GeoJSON polygons',
    { query: CoverageQuery, response: CatchmentsDto }),
  isochrones: get('/api/coverage/isochrones', 'coverage.read', 'Areas within 10/20/30 min of the nearest station (or hospital), GeoJSON',
    { query: CoverageQuery, response: IsochronesDto }),
  coverageSummary: get('/api/coverage/summary', 'coverage.read', 'The 30-minute circle in figures: road and village shares, villages outside',
    { query: CoverageQuery, response: CoverageSummaryDto }),
  liveCoverage: get('/api/coverage/live', 'coverage.read', 'The 30-minute circle now: villages a free ambulance (live position) and a health facility reach in 30 min by road, those outside',
    { response: LiveCoverageDto }),
  moveUpSuggestions: get('/api/move-up/suggestions', 'coverage.read', 'DMEXCLP move-up: which free vehicle should stand by at which station, with the coverage gained (none when nothing gains enough)',
    { response: MoveUpSuggestionsDto }),
  sendReposition: post('/api/vehicles/{id}/reposition', 'reposition.send', 'Send a free vehicle to stand by at a station (move-up); its crew gets the task with the route, it stays dispatchable',
    { body: SendRepositionRequest, response: RepositionDto, status: 201 }),
  getVehicleReposition: get('/api/vehicles/{id}/reposition', 'reposition.read', "The vehicle's open reposition with its route (204 when none)", { response: RepositionDto.optional() }),
  reportReposition: post('/api/vehicles/{id}/reposition/status', 'reposition.report', 'The crew accepts or has arrived; a dispatcher may cancel (404 when none is open)',
    { body: RepositionStatusRequest, response: RepositionDto }),
  osmandGet: get('/osmand', PUBLIC, 'OsmAnd/Traccar Client position (id, lat, lon, timestamp, speed in knots); unknown device id: 404',
    { query: OsmandQuery, response: OsmandAnswer }),
  osmandPost: post('/osmand', PUBLIC, 'OsmAnd/Traccar Client positions: query string, urlencoded or JSON body ({ device_id, location })',
    { query: OsmandQuery, response: OsmandAnswer }),
  audit: get('/api/audit', 'audit.read', 'Audit log (supervisor, admin)', { query: AuditQuery, response: z.array(AuditEntryDto) }),
  qualityReport: get('/api/reports/quality', 'report.read', '120 quality indicators (10 s answer, 3-minute turnout), NFPA 1225, 90th percentile response',
    { query: QualityQuery, response: QualityIndicatorsDto }),
  responseTimes: get('/api/reports/response-times', 'report.read',
    'Response-time breakdown (ring → answer … handover) by station, vehicle, category, day, week or month: count, median, 90th percentile; answer-time sources',
    { query: BreakdownQuery, response: BreakdownDto }),
  exportResponseTimes: get('/api/reports/response-times/export', 'report.read',
    'The same breakdown as a file: format=csv (text/csv) or xlsx (Excel), a Content-Disposition filename, headings in lang', { query: BreakdownExportQuery }),
  searchIncidents: get('/api/reports/incidents', 'incident.search', 'Incident search by time, place text, category, vehicle and caller number, a page at a time (newest first)',
    { query: IncidentSearchQuery, response: IncidentPageDto }),
  getIncidentTrack: get('/api/incidents/{id}/track', 'incident.read', 'The route each vehicle actually drove (its positions from dispatch to release as a line)',
    { response: IncidentTrackDto }),

  // Administration: road networks, operator data, bulk import and export. An `upload` route takes the file itself
  // as its body (one of `mediaTypes`, at most `maxBytes`), not JSON; the console sends it with fetch.
  listRoadNetworks: get('/api/road-networks', 'road.manage', 'Imported road regions with their import reports, which one is served, and the import history',
    { response: RoadNetworksDto }),
  uploadRoadNetwork: post('/api/road-networks/imports', 'road.manage',
    'Upload an OSM PBF/XML or GeoJSON file (streamed to disk) and queue its import as a job; 201 with the job to follow',
    { query: RoadUploadQuery, response: RoadImportJobDto, status: 201,
      upload: { mediaTypes: ['application/octet-stream', 'application/xml', 'application/geo+json'], maxBytes: null } }),
  listRoadImports: get('/api/road-networks/imports', 'road.manage', 'Road import jobs of the last day with their progress, report or error (poll while one runs)',
    { response: z.array(RoadImportJobDto) }),
  setLiveRoadRegion: put('/api/road-networks/live', 'road.manage', 'Make a region the one routed on (unless ROAD_REGION pins one); servers reload by NOTIFY',
    { body: LiveRegionInput, response: RoadNetworksDto }),
  listRoadClassSpeeds: get('/api/settings/road-class-speeds', 'operatorData.manage', 'Travel speed per OSM road class', { response: RoadClassSpeedsDto }),
  updateRoadClassSpeeds: put('/api/settings/road-class-speeds', 'operatorData.manage', 'Change class speeds: every region is re-costed and its graph reloaded',
    { body: RoadClassSpeedsInput, response: RoadClassSpeedsDto }),
  listCategoryRequirements: get('/api/settings/category-requirements', 'operatorData.manage', 'What each call category needs by default (vehicle and hospital capabilities)',
    { response: z.array(CategoryRequirementDto) }),
  updateCategoryRequirement: put('/api/settings/category-requirements', 'operatorData.manage', "Change one category's required capabilities (applies to calls taken from now on)",
    { body: CategoryRequirementDto, response: z.array(CategoryRequirementDto) }),
  previewBulkImport: post('/api/bulk/preview', 'bulk.import', 'Check a CSV or xlsx file of stations, vehicles, hospitals, users, crew members or shifts: every row with its errors; nothing is stored',
    { query: BulkUploadQuery, response: BulkPreviewDto, upload: { mediaTypes: Object.values(BULK_MEDIA_TYPES), maxBytes: 5 * 1024 * 1024 } }),
  commitBulkImport: post('/api/bulk/commit', 'bulk.import', 'Store a checked file in one transaction: every row, or (422 with the preview) none when any row has an error',
    { query: BulkUploadQuery, response: BulkResultDto, upload: { mediaTypes: Object.values(BULK_MEDIA_TYPES), maxBytes: 5 * 1024 * 1024 } }),
  exportBulk: get('/api/bulk/export', 'bulk.export', 'The same file back (CSV or xlsx, the import\'s columns; headers and kinds, capabilities and roles in the words of `lang`): it re-imports unchanged',
    { query: BulkExportQuery, response: z.unknown().meta({ description: 'the file (text/csv or xlsx), as an attachment' }) }),

  // The priority-group register (重点人群): every read is authorised and audited by the policy module (register.read)
  importRegister: post('/api/register/imports', 'register.import',
    "Import residents from the health-record system: a CSV (公卫 export's Chinese headers, or English) or a FHIR R4 Bundle of Patient + Flag; rows are stored one by one, the report counts added, matched (updated by record id), skipped and refused with the field",
    { query: RegisterImportQuery, response: RegisterImportReport, upload: { mediaTypes: REGISTER_MEDIA_TYPES, maxBytes: 5 * 1024 * 1024 } }),
  residentPage: get('/api/register/residents', 'register.search', 'A page of register residents: ?page, pageSize, sort (name, recordId, updatedAt), q (name, record id, phone, address), flag',
    { query: ResidentListQuery, response: ResidentPage }),
  matchRegister: post('/api/intake/register', 'register.match', "The register's residents matching the call being taken, by the caller's number (normalised, exact) or the address (normalised text); POST keeps both out of URLs",
    { body: RegisterMatchRequest, response: RegisterMatchAnswer }),
  getIncidentRegister: get('/api/incidents/{id}/register', 'register.readIncident', 'The residents linked to the incident at intake: groups, record flags, family-doctor team',
    { response: IncidentRegisterDto }),
  getAssignmentRegister: get('/api/assignments/{id}/register', 'register.readTask', "The residents linked to the task's incident, for its crew", { response: IncidentRegisterDto }),
  getNoticeCareFlags: get('/api/notices/{id}/register', 'register.readCare', "The record flags relevant to care of the notice's patient, for the receiving hospital (nothing else of the register)",
    { response: CareFlagsDto }),
  listRegisterFollowUps: get('/api/register/follow-ups', 'register.followUps',
    "Follow-up notices to family-doctor teams after their residents' incidents closed (an outbox: the teams' system polls ?status=pending, there is no SMS gateway)",
    { query: FollowUpQuery, response: z.array(RegisterFollowUpDto) }),
  markRegisterFollowUpsSent: post('/api/register/follow-ups/sent', 'register.followUps', 'Acknowledge follow-up notices as delivered: each becomes sent (an id already sent stays as it was)',
    { body: MarkFollowUpsSentRequest, response: MarkFollowUpsSentAnswer }),
};

export type Routes = typeof routes;
export type RouteName = keyof Routes;

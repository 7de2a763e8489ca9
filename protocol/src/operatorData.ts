import { z } from 'zod';
import { HospitalCapability, IncidentCategory, VehicleCapability } from './domain';

/** Travel speed of one OSM highway class, used where a way has no maxspeed of its own. */
export const RoadClassSpeedDto = z.object({
  highway: z.string().regex(/^[a-z_]{1,40}$/, 'an OSM highway class: lower-case letters and _'),
  kmh: z.number().gt(0, 'more than 0 km/h').max(150, 'at most 150 km/h'),
});
export type RoadClassSpeedDto = z.infer<typeof RoadClassSpeedDto>;

/** New speeds for some classes (the others keep theirs); every region is re-costed and its graph reloaded. */
export const RoadClassSpeedsInput = z.object({ speeds: z.array(RoadClassSpeedDto).min(1).max(40) });

export const RoadClassSpeedsDto = z.object({
  speeds: z.array(RoadClassSpeedDto),
  /** The regions re-costed by the change, with their edge counts (empty on a read). */
  recosted: z.array(z.object({ region: z.string(), edges: z.number() })),
});
export type RoadClassSpeedsDto = z.infer<typeof RoadClassSpeedsDto>;

/** What a call of a category needs by default; the dispatcher can still override both lists on the call. */
export const CategoryRequirementDto = z.object({
  category: IncidentCategory,
  vehicleCapabilities: z.array(VehicleCapability).max(6),
  hospitalCapabilities: z.array(HospitalCapability).max(6),
});
export type CategoryRequirementDto = z.infer<typeof CategoryRequirementDto>;

/** One import's report, as geo's importRoads records it. */
/** Why part of a road file was left out of the network. */
export const RoadSkipReason = z.enum([
  'not_a_line', // a GeoJSON Point, Polygon or other geometry (kind: its type)
  'not_drivable', // a line whose road class cars do not use (kind: the class, e.g. footway)
  'closed_to_vehicles', // access, vehicle, motor_vehicle or motorcar no/agricultural/forestry, not open to emergency vehicles (kind: the tag)
  'area', // a pedestrian square or other area drawn as a closed line with area=yes
  'no_nodes', // a way none of whose nodes the extract holds
]);
export type RoadSkipReason = z.infer<typeof RoadSkipReason>;

/** How many parts of a file were left out for one reason and kind. */
export const RoadSkipDto = z.object({ reason: RoadSkipReason, kind: z.string(), count: z.number() });
export type RoadSkipDto = z.infer<typeof RoadSkipDto>;

export const RoadImportReportDto = z.object({
  ways: z.number(),
  edges: z.number(),
  vertices: z.number(),
  lengthKm: z.number(),
  largestComponentShare: z.number(),
  onewayEdges: z.number(),
  waysRead: z.number().optional(),
  skippedWays: z.number().optional(),
  /** What was left out, by reason and kind (absent from reports written before it was kept). */
  skipped: z.array(RoadSkipDto).optional(),
  durationMs: z.number(),
  stageMs: z.record(z.string(), z.number()).optional(),
});
export type RoadImportReportDto = z.infer<typeof RoadImportReportDto>;

export const RoadNetworkDto = z.object({
  id: z.number(),
  region: z.string(),
  sourceName: z.string(),
  format: z.enum(['osm_pbf', 'osm_xml', 'geojson']),
  synthetic: z.boolean(),
  status: z.enum(['importing', 'ready', 'failed', 'retired']),
  ways: z.number().nullable(),
  edges: z.number().nullable(),
  vertices: z.number().nullable(),
  lengthKm: z.number().nullable(),
  largestComponentShare: z.number().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  /** Absent for networks imported before reports were kept. */
  report: RoadImportReportDto.nullable(),
});
export type RoadNetworkDto = z.infer<typeof RoadNetworkDto>;

export const RoadRegionAdminDto = z.object({
  name: z.string(),
  network: RoadNetworkDto,
  /** Made live by an administrator (pinned). */
  pinned: z.boolean(),
  /** The one the server routes on now. */
  served: z.boolean(),
  updatedAt: z.string(),
});
export type RoadRegionAdminDto = z.infer<typeof RoadRegionAdminDto>;

export const RoadNetworksDto = z.object({
  regions: z.array(RoadRegionAdminDto),
  /** The latest imports of every region, retired and failed ones included, newest first. */
  history: z.array(RoadNetworkDto),
  /** ROAD_REGION of the server's configuration: when set, it is served whatever is live. */
  configuredRegion: z.string().nullable(),
});
export type RoadNetworksDto = z.infer<typeof RoadNetworksDto>;

export const RoadRegionName = z.string().regex(/^[a-z0-9_-]{1,64}$/, '1 to 64 characters of a-z, 0-9, _ and -');

/** The upload's query: which region the file becomes, and whether it may replace that region's network. */
export const RoadUploadQuery = z.object({
  region: RoadRegionName,
  fileName: z.string().trim().min(1).max(200),
  replace: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const RoadImportStage = z.enum(['uploaded', 'reading', 'topology', 'edges', 'vertices', 'components', 'swap']);

export const RoadImportJobDto = z.object({
  id: z.string(),
  region: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  replace: z.boolean(),
  state: z.enum(['waiting', 'active', 'completed', 'failed']),
  progress: z.object({ stage: RoadImportStage, done: z.number(), total: z.number() }),
  report: RoadImportReportDto.nullable(),
  /** Why it failed, in the importer's words (a bad file, a region that exists). */
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RoadImportJobDto = z.infer<typeof RoadImportJobDto>;

export const LiveRegionInput = z.object({ region: RoadRegionName });

/**
 * Pushed to staff when what the maps and the road times rest on changed: another region made live, a region's
 * network imported again, road speeds re-costed, or a category's required capabilities changed. Open consoles read
 * the region, its roads and the settings screens again.
 */
export const SettingsChange = z.object({
  what: z.enum(['liveRegion', 'roadNetwork', 'roadClassSpeeds', 'categoryRequirements']),
  region: z.string().nullable(),
});
export type SettingsChange = z.infer<typeof SettingsChange>;

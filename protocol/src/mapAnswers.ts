import { z } from 'zod';
import { LonLatPair } from './domain';
import { RouteDto, RouteStepDto } from './incidents';

const Bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/** `GET /api/roads/region`: the road region the server routes on. */
export const RoadRegionDto = z.object({
  name: z.string(),
  synthetic: z.boolean(),
  sourceName: z.string(),
  /** [minLon, minLat, maxLon, maxLat] of the network, null when the import recorded none. */
  bbox: Bbox.nullable(),
});
export type RoadRegionDto = z.infer<typeof RoadRegionDto>;

/** `GET /api/roads`: the region's roads in a bbox as GeoJSON, thinned for the zoom level. */
export const RoadFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  region: z.string(),
  synthetic: z.boolean(),
  /** True when the limit left some small roads out. */
  truncated: z.boolean(),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.number(),
      properties: z.object({ highway: z.string(), name: z.string().nullable() }),
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(LonLatPair) }),
    }),
  ),
});
export type RoadFeatureCollection = z.infer<typeof RoadFeatureCollection>;

const SnapDto = z.object({ lonLat: LonLatPair, distanceM: z.number() });

/** `GET /api/route`: the fastest road route, with compass bearings at each step and where the ends met the roads. */
export const RoadRouteDto = RouteDto.extend({
  region: z.string(),
  steps: z.array(RouteStepDto.extend({ bearingBefore: z.number(), bearingAfter: z.number() })),
  snap: z.object({ from: SnapDto, to: SnapDto }),
});
export type RoadRouteDto = z.infer<typeof RoadRouteDto>;

/** GeoJSON polygons as PostGIS writes them: the map draws the geometry as it is. */
const polygonCollection = <P extends z.ZodObject>(properties: P) =>
  z.object({
    type: z.literal('FeatureCollection'),
    region: z.string(),
    features: z.array(z.object({ type: z.literal('Feature'), properties, geometry: z.unknown() })),
  });

/** `GET /api/coverage/catchments`: the area each station (or hospital) reaches first; null site: reached by none. */
export const CatchmentsDto = polygonCollection(
  z.object({
    facilityId: z.string().nullable(),
    areaKm2: z.number(),
    siteId: z.string().nullable(),
    siteCode: z.string().nullable(),
    siteName: z.string().nullable(),
  }),
);
export type CatchmentsDto = z.infer<typeof CatchmentsDto>;

/** `GET /api/coverage/isochrones`: the area within each drive time of the nearest station (or hospital). */
export const IsochronesDto = polygonCollection(z.object({ minutes: z.number(), areaKm2: z.number(), reachedRoadKm: z.number() }));
export type IsochronesDto = z.infer<typeof IsochronesDto>;

/** `GET /api/coverage/summary`: the 30-minute medical circle in figures. */
export const CoverageSummaryDto = z.object({
  region: z.string(),
  from: z.enum(['stations', 'hospitals']),
  sites: z.number(),
  villages: z.number(),
  thresholds: z.array(
    z.object({
      minutes: z.number(), roadShare: z.number(), villageShare: z.number(),
      /** Share of the villages' population within the time (weights as in LiveCoverageDto: median fallback, 1 when none known). */
      populationShare: z.number(),
      villagesOutside: z.array(z.string()),
    }),
  ),
});
export type CoverageSummaryDto = z.infer<typeof CoverageSummaryDto>;

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RoadImportError, type RoadSource, type RoadWay, SkipTally } from './roadSource';

const position = z
  .tuple([
    z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180'),
    z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90'),
  ])
  .rest(z.number());
const line = z.array(position).min(2, 'a road line needs at least 2 positions');

const lineGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('LineString'), coordinates: line }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1) }),
]);
const LINE_TYPES = new Set(['LineString', 'MultiLineString']);
/** Any geometry (Point, Polygon, …, or none): only lines are read, the rest are counted as left out. */
const geometry = z.looseObject({ type: z.string() }).nullable();

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const featureCollection = z.object({
  type: z.literal('FeatureCollection', { error: 'expected a GeoJSON FeatureCollection of road lines' }),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: geometry,
      // Other properties (objects, arrays) are allowed and ignored.
      properties: z.record(z.string(), z.unknown()).nullable().optional(),
    }),
  ),
});

/** The properties a county road layer may carry, read as OSM tags so one pipeline handles both sources. */
const ROAD_KEYS = [
  'highway', 'name', 'ref', 'oneway', 'maxspeed', 'junction', 'tunnel', 'bridge', 'area',
  'access', 'vehicle', 'motor_vehicle', 'motorcar', 'emergency',
];

/**
 * ogr2ogr's (and so QGIS's) OSM driver keeps the tags it has no column for in one hstore text,
 * `"access"=>"no","oneway"=>"yes"`: read them as the tags they are.
 */
function hstoreTags(text: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (typeof text !== 'string') return tags;
  for (const [, key, value] of text.matchAll(/"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"/g)) {
    tags[key!.replace(/\\(.)/g, '$1')] = value!.replace(/\\(.)/g, '$1');
  }
  return tags;
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || 'document';
}

function tagsOf(properties: Record<string, unknown> | null | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  const other = hstoreTags(properties?.other_tags);
  for (const key of ROAD_KEYS) {
    const parsed = scalar.safeParse(properties?.[key]);
    if (parsed.success && parsed.data !== null) tags[key] = String(parsed.data);
    else if (other[key] !== undefined) tags[key] = other[key];
  }
  // GIS layers often have no road class at all; OSM's "road" (class unknown) is the honest default.
  tags.highway ??= 'road';
  return tags;
}

/**
 * Reads the LineString/MultiLineString roads of a GeoJSON FeatureCollection, as overpass turbo, QGIS or ogr2ogr
 * write it: other geometries (points, pedestrian areas as polygons, features with none) are counted as left out,
 * a line with a bad coordinate refuses the file (a projected layer, not WGS-84, is a mistake to say, not to skip).
 * Nodes are identified by their exact coordinates: lines that share a vertex are joined there, lines that cross
 * without one (a bridge over a road) are not.
 */
export async function readGeoJson(file: string): Promise<RoadSource> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new RoadImportError(`cannot read ${file} as GeoJSON: ${(error as Error).message}`);
  }
  const parsed = featureCollection.safeParse(document);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new RoadImportError(`invalid GeoJSON in ${file}: ${issues.join('; ')}`);
  }

  const nodes = new Map<number, readonly [number, number]>();
  const idByCoordinate = new Map<string, number>();
  const nodeFor = (lon: number, lat: number): number => {
    const key = `${lon},${lat}`;
    let id = idByCoordinate.get(key);
    if (id === undefined) {
      id = idByCoordinate.size + 1;
      idByCoordinate.set(key, id);
      nodes.set(id, [lon, lat]);
    }
    return id;
  };
  const ways: RoadWay[] = [];
  const skipped = new SkipTally();
  for (const [index, feature] of parsed.data.features.entries()) {
    if (!feature.geometry || !LINE_TYPES.has(feature.geometry.type)) {
      skipped.add('not_a_line', feature.geometry?.type ?? 'none');
      continue;
    }
    const read = lineGeometry.safeParse(feature.geometry);
    if (!read.success) {
      const issues = read.error.issues.slice(0, 3).map((i) => `${formatPath(['features', index, 'geometry', ...i.path])}: ${i.message}`);
      throw new RoadImportError(`invalid GeoJSON in ${file}: ${issues.join('; ')}`);
    }
    const tags = tagsOf(feature.properties);
    const lines = read.data.type === 'LineString' ? [read.data.coordinates] : read.data.coordinates;
    for (const coordinates of lines) {
      ways.push({ osmId: null, tags, nodes: coordinates.map(([lon, lat]) => nodeFor(lon, lat)) });
    }
  }
  return { nodes, ways, skipped };
}

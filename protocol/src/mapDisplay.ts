import { z } from 'zod';

/**
 * Map display coordinates. Everything the server stores and sends is WGS-84; basemaps published in China
 * (AutoNavi, Tencent, …) are drawn in GCJ-02, a deliberately distorted datum offset by up to ~700 m. A map on
 * such tiles must shift what it draws into GCJ-02 and shift what the user points at back to WGS-84, or every
 * vehicle, incident and route sits a few hundred metres off its road.
 */

/** The coordinate system the configured tiles are drawn in (`TILE_COORDINATES` on the server). */
export const TileCoordinates = z.enum(['wgs84', 'gcj02']);
export type TileCoordinates = z.infer<typeof TileCoordinates>;

/** `GET /api/config`: what the console and the tablet need before they draw a map. */
export const ClientConfigDto = z.object({
  protocolVersion: z.number(),
  tileUrl: z.string(),
  tileAttribution: z.string(),
  tileCoordinates: TileCoordinates,
  /** A position fix older than this is stale (the server's POSITION_STALE_AFTER_S). */
  positionStaleAfterS: z.number(),
});
export type ClientConfigDto = z.infer<typeof ClientConfigDto>;

/** A server older than `tileCoordinates` in /api/config draws plain OpenStreetMap-style tiles: WGS-84. */
export function tileCoordinatesOf(config: object | null | undefined): TileCoordinates {
  return (config as { tileCoordinates?: unknown } | null | undefined)?.tileCoordinates === 'gcj02' ? 'gcj02' : 'wgs84';
}

// The published GCJ-02 constants: the Krasovsky 1940 ellipsoid the obfuscation was defined on (e², as a double).
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.006693421622965943;

/**
 * The coarse box the obfuscation is applied in. It is a rectangle, not China's border: the de-facto rule every
 * Chinese map provider and every public implementation follows, so points outside it stay as they are.
 */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function offsetLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** GCJ-02 minus WGS-84 at a WGS-84 point, in degrees. */
function gcjOffset(lon: number, lat: number): [number, number] {
  const radLat = (lat / 180.0) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - KRASOVSKY_EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(lon - 105.0, lat - 35.0) * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (offsetLon(lon - 105.0, lat - 35.0) * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

/** WGS-84 → GCJ-02, [lon, lat]. Outside China the point is returned unchanged. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  const [dLon, dLat] = gcjOffset(lon, lat);
  return [lon + dLon, lat + dLat];
}

/** Iteration stops once the forward transform of the estimate lands this close to the input (≈ 1 mm). */
const INVERSE_TOLERANCE_DEG = 1e-8;
const INVERSE_MAX_STEPS = 30;

/**
 * GCJ-02 → WGS-84, [lon, lat]. The transform has no closed-form inverse; the offset changes slowly over space,
 * so correcting the estimate by the forward transform's miss converges in a handful of steps.
 */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < INVERSE_MAX_STEPS; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
    const missLon = gLon - lon;
    const missLat = gLat - lat;
    if (Math.abs(missLon) < INVERSE_TOLERANCE_DEG && Math.abs(missLat) < INVERSE_TOLERANCE_DEG) break;
    wLon -= missLon;
    wLat -= missLat;
  }
  return [wLon, wLat];
}

/** A GeoJSON object or a bare coordinate array: anything whose positions are [lon, lat, ...] arrays. */
type Positions = number[] | Positions[];

function mapPositions(coordinates: Positions, fn: (lon: number, lat: number) => [number, number]): Positions {
  if (coordinates.length > 0 && typeof coordinates[0] === 'number') {
    const [lon, lat, ...rest] = coordinates as number[];
    return [...fn(lon!, lat!), ...rest];
  }
  return (coordinates as Positions[]).map((c) => mapPositions(c, fn));
}

interface GeoJsonLike {
  type?: string;
  coordinates?: Positions;
  geometry?: GeoJsonLike | null;
  geometries?: GeoJsonLike[];
  features?: GeoJsonLike[];
  bbox?: number[];
}

function mapGeoJson<T>(value: T, fn: (lon: number, lat: number) => [number, number]): T {
  const g = value as GeoJsonLike;
  if (g === null || typeof g !== 'object') return value;
  // A bbox would no longer fit the shifted positions; nothing here needs one, so it is dropped.
  const { bbox: _bbox, ...rest } = g;
  const out: GeoJsonLike = { ...rest };
  if (g.features) out.features = g.features.map((f) => mapGeoJson(f, fn));
  if (g.geometry !== undefined) out.geometry = g.geometry ? mapGeoJson(g.geometry, fn) : g.geometry;
  if (g.geometries) out.geometries = g.geometries.map((x) => mapGeoJson(x, fn));
  if (g.coordinates) out.coordinates = mapPositions(g.coordinates, fn);
  return out as T;
}

/**
 * Between stored coordinates (WGS-84) and the coordinates a map on the configured tiles is drawn in. Every
 * layer draws through `toDisplay`, every point read off the map goes through `fromDisplay`: one place per app
 * decides, so no layer can forget.
 */
export interface DisplayProjection {
  readonly tileCoordinates: TileCoordinates;
  /** A stored WGS-84 [lon, lat] → where to draw it. */
  toDisplay(lon: number, lat: number): [number, number];
  /** A [lon, lat] read off the map (a click, the view's bounds) → WGS-84. */
  fromDisplay(lon: number, lat: number): [number, number];
  /** A GeoJSON object with every position shifted by `toDisplay` (a new object; the input is left alone). */
  geoJsonToDisplay<T>(geojson: T): T;
}

const identity = (lon: number, lat: number): [number, number] => [lon, lat];

export function displayProjection(tileCoordinates: TileCoordinates): DisplayProjection {
  if (tileCoordinates === 'gcj02') {
    return {
      tileCoordinates,
      toDisplay: wgs84ToGcj02,
      fromDisplay: gcj02ToWgs84,
      geoJsonToDisplay: (geojson) => mapGeoJson(geojson, wgs84ToGcj02),
    };
  }
  return { tileCoordinates, toDisplay: identity, fromDisplay: identity, geoJsonToDisplay: (geojson) => geojson };
}

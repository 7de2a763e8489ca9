/** Small spherical-earth helpers shared by snapping, routes and coverage. */

export type LonLat = [number, number];

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const METRES_PER_DEGREE = EARTH_RADIUS_M * RAD;

/** Great-circle distance in metres. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

const WGS84_A = 6_378_137;
const WGS84_E2 = 0.00669437999014;

/**
 * Metres per degree of longitude and of latitude at a latitude, on the WGS-84 ellipsoid. A sphere would be
 * off by up to 0.7% between the two directions (east-west against north-south), enough to move a snapped
 * point by a metre 200 m away; with the ellipsoid's radii the local plane is conformal where it is used.
 */
export function metresPerDegree(lat: number): [kx: number, ky: number] {
  const s = Math.sin(lat * RAD);
  const w = 1 - WGS84_E2 * s * s;
  const n = WGS84_A / Math.sqrt(w);
  const m = (WGS84_A * (1 - WGS84_E2)) / (w * Math.sqrt(w));
  return [n * Math.cos(lat * RAD) * RAD, m * RAD];
}

/**
 * Length of a short segment on the local plane at its mid-latitude. Road segments are metres to a few
 * kilometres long, where this differs from the geodesic by far less than a GPS fix.
 */
export function segmentLengthM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const [kx, ky] = metresPerDegree((lat1 + lat2) / 2);
  const dx = (lon2 - lon1) * kx;
  const dy = (lat2 - lat1) * ky;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Compass bearing of the segment in degrees, 0 = north, 90 = east, in [0, 360). */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * RAD;
  const phi2 = lat2 * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const y = Math.sin(dLon) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLon);
  const deg = Math.atan2(y, x) / RAD;
  return (deg + 360) % 360;
}

/** Signed turn from one bearing to another in (-180, 180]: positive turns right. */
export function turnAngle(before: number, after: number): number {
  let delta = (after - before) % 360;
  if (delta > 180) delta -= 360;
  if (delta <= -180) delta += 360;
  return delta;
}

export function isValidLonLat(value: unknown): value is LonLat {
  const ok = Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && Number.isFinite(value[1]);
  return ok && Math.abs(value[0] as number) <= 180 && Math.abs(value[1] as number) <= 90;
}

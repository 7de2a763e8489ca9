/** Great-circle geometry for driving along a route; good to centimetres over a county. */
export type LonLat = [number, number];

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function distanceM(a: LonLat, b: LonLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, 0–360 clockwise from north. */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const y = Math.sin(rad(b[0] - a[0])) * Math.cos(rad(b[1]));
  const x = Math.cos(rad(a[1])) * Math.sin(rad(b[1])) - Math.sin(rad(a[1])) * Math.cos(rad(b[1])) * Math.cos(rad(b[0] - a[0]));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/** A LineString measured once, so that points along it are found by distance quickly. */
export class MeasuredLine {
  readonly cumulative: number[];
  readonly lengthM: number;

  constructor(readonly coordinates: LonLat[]) {
    if (coordinates.length === 0) throw new Error('coordinates: a line needs at least one point');
    this.cumulative = [0];
    for (let i = 1; i < coordinates.length; i++) this.cumulative.push(this.cumulative[i - 1]! + distanceM(coordinates[i - 1]!, coordinates[i]!));
    this.lengthM = this.cumulative[this.cumulative.length - 1]!;
  }

  /** The point `distance` metres from the start (clamped to the line) and the heading of the segment it is on. */
  at(distance: number): { lonLat: LonLat; headingDeg: number | null } {
    const coords = this.coordinates;
    if (coords.length === 1 || this.lengthM === 0) return { lonLat: coords[0]!, headingDeg: null };
    const d = Math.max(0, Math.min(this.lengthM, distance));
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! <= d) lo = mid;
      else hi = mid;
    }
    const a = coords[lo]!;
    const b = coords[hi]!;
    const span = this.cumulative[hi]! - this.cumulative[lo]!;
    const t = span === 0 ? 0 : (d - this.cumulative[lo]!) / span;
    return { lonLat: [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], headingDeg: span === 0 ? null : Math.round(bearingDeg(a, b)) % 360 };
  }
}

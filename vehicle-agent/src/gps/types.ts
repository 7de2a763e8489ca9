/** Where a fix came from; the server stores it with the position. */
export type GpsSourceKind = 'nmea' | 'browser';

/**
 * One position fix in the agent's terms, whatever produced it. Units are SI (m/s, metres, degrees
 * clockwise from true north) so that nothing downstream has to know about knots or NMEA fields.
 */
export interface GpsFix {
  lon: number;
  lat: number;
  /** Speed over ground; null when the device did not say. */
  speedMps: number | null;
  /** Course over ground, 0–360 clockwise from true north; null when unknown (e.g. standing still). */
  headingDeg: number | null;
  /** Horizontal accuracy (radius); null when unknown. */
  accuracyM: number | null;
  /** Height above mean sea level; null when unknown. */
  altitudeM: number | null;
  /** When the device measured it, ISO-8601 in UTC. */
  deviceTime: string;
  source: GpsSourceKind;
}

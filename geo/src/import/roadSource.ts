import type { RoadSkipDto, RoadSkipReason } from '@dispatch/protocol';

/**
 * The in-memory model every reader produces and the topology builder consumes: OSM's own shape (nodes with
 * coordinates, ways as node lists with tags), so PBF, XML and GeoJSON go through one pipeline.
 */
export interface RoadWay {
  /** OSM way id; null for GeoJSON features, which have no stable id. */
  osmId: number | null;
  nodes: number[];
  tags: Record<string, string>;
}

export interface RoadSource {
  /** Node id → [lon, lat]. */
  nodes: Map<number, readonly [number, number]>;
  ways: RoadWay[];
  /** What the reader left out before any way was made (a GeoJSON layer's points and polygons). */
  skipped: SkipTally;
}

/** Counts of what an import left out, by reason and kind (a geometry type, a road class, an access tag). */
export class SkipTally {
  private readonly counts = new Map<string, { reason: RoadSkipReason; kind: string; count: number }>();

  add(reason: RoadSkipReason, kind: string): void {
    const key = `${reason}\u0000${kind}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { reason, kind, count: 1 });
  }

  /** Most frequent first. */
  list(): RoadSkipDto[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.kind.localeCompare(b.kind));
  }

  get total(): number {
    let sum = 0;
    for (const { count } of this.counts.values()) sum += count;
    return sum;
  }
}

/** A failure the operator can act on: the message says what was wrong with the input or the request. */
export class RoadImportError extends Error {
  override name = 'RoadImportError';
}

export function checkCoordinate(lon: number, lat: number, where: string): void {
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw new RoadImportError(`${where}: longitude ${lon} is out of range (-180..180)`);
  }
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw new RoadImportError(`${where}: latitude ${lat} is out of range (-90..90)`);
  }
}

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

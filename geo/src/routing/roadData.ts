import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared real road networks (OpenStreetMap extracts, © OpenStreetMap contributors, ODbL), which live
 * beside the repository and never in it: `../shared/roaddata` from the repository root.
 */
export const ROAD_DATA_DIR = fileURLToPath(new URL('../../../../shared/roaddata/', import.meta.url));

/** The file's path, or null when the shared folder (or the file) is absent. */
export function roadDataFile(name: 'shanghai_center.osm.pbf' | 'monaco.osm.pbf' | 'rnv.osm.pbf'): string | null {
  const path = `${ROAD_DATA_DIR}${name}`;
  return existsSync(path) ? path : null;
}

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

/**
 * A test suite's title that says, only when it is so, that the suite is skipped for want of the file; the
 * reason is also printed once so a run without ../shared/roaddata says clearly what it did not test.
 */
export function roadDataSuite(title: string, name: Parameters<typeof roadDataFile>[0]): string {
  if (roadDataFile(name)) return title;
  console.warn(`skipping "${title}": ${ROAD_DATA_DIR}${name} is absent`);
  return `${title} (SKIPPED: ../shared/roaddata/${name} is absent)`;
}

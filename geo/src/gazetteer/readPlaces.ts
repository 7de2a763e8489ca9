import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { PlaceKind } from '@dispatch/protocol';
import { RoadImportError } from '../import/roadSource';
import { OSM_PLACE_FILTERS, placeKind } from './placeTags';
import { parsePopulation } from './population';

/** A named OSM object the gazetteer keeps, with its geometry as osmium exported it (GeoJSON text). */
export interface OsmPlace {
  osmId: string;
  name: string;
  nameEn: string | null;
  kind: PlaceKind;
  geometry: string;
  /** People living there, from the `population` tag (see population.ts); null when it gives no count. */
  population: number | null;
}

function run(args: string[], onLine?: (line: string) => void): Promise<void> {
  const child = spawn('osmium', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  const lines = onLine ? createInterface({ input: child.stdout }) : null;
  lines?.on('line', onLine!);
  if (!onLine) child.stdout.resume();
  return new Promise((done, fail) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new RoadImportError('osmium is not installed (Debian package osmium-tool); it reads OSM PBF and XML files') : error));
    child.on('close', (code) => {
      if (code === 0) done();
      else fail(new RoadImportError(`cannot read places: ${stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ') || `osmium exited with ${code}`}`));
    });
  });
}

const TYPE_LETTER: Record<string, string> = { node: 'n', way: 'w', relation: 'r' };

/**
 * Reads the named places of an OSM PBF or XML file (see placeTags.ts for which): `osmium tags-filter` keeps
 * them and what they refer to, and `osmium export` builds their geometries (a point, a way's line or area,
 * a multipolygon relation's polygons) as GeoJSON lines; PostGIS picks each one's point at import.
 */
export async function readPlaces(file: string, format: 'osm_pbf' | 'osm_xml'): Promise<OsmPlace[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gazetteer-'));
  try {
    const filtered = join(dir, 'places.osm.pbf');
    await run(['tags-filter', '--no-progress', '-F', format === 'osm_pbf' ? 'pbf' : 'xml', resolve(file), ...OSM_PLACE_FILTERS, '-o', filtered, '-f', 'pbf']);
    // A closed way comes out twice, as a line and as an area: one place per OSM object.
    const places = new Map<string, OsmPlace>();
    await run(['export', '--no-progress', filtered, '-f', 'geojsonseq', '-x', 'print_record_separator=false', '-a', 'type,id'], (line) => {
      if (!line.trim()) return;
      const feature = JSON.parse(line) as { geometry: unknown; properties: Record<string, unknown> };
      const tags = feature.properties;
      const kind = placeKind(tags);
      if (!kind) return;
      const nameEn = tags['name:en'] ?? tags['name:zh-Latn-pinyin'] ?? null;
      const osmId = `${TYPE_LETTER[tags['@type'] as string] ?? '?'}${tags['@id'] as number}`;
      if (places.has(osmId)) return;
      places.set(osmId, {
        osmId,
        name: (tags.name as string).trim(),
        nameEn: typeof nameEn === 'string' && nameEn.trim() ? nameEn.trim() : null,
        kind,
        geometry: JSON.stringify(feature.geometry),
        population: parsePopulation(tags.population),
      });
    });
    return [...places.values()];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

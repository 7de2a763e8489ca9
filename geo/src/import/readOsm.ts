import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SaxesParser } from 'saxes';
import { checkCoordinate, RoadImportError, type RoadSource, type RoadWay, SkipTally } from './roadSource';

export type OsmFormat = 'osm_pbf' | 'osm_xml';

/** Integer ids (OSM ids are positive, edited-but-unsaved ones negative). */
function parseId(value: string | undefined, where: string): number {
  const id = Number(value);
  if (value === undefined || !Number.isSafeInteger(id)) throw new RoadImportError(`${where}: id "${value}" is not an integer`);
  return id;
}

/**
 * Reads the drivable ways of an OSM PBF or XML file and the nodes they use. osmium (Debian's osmium-tool)
 * does the reading and the filtering: it handles both formats and every PBF compression, and its output is
 * OSM XML of only the roads, which saxes parses as a stream without holding the text in memory.
 */
export async function readOsm(file: string, format: OsmFormat, drivableClasses: readonly string[]): Promise<RoadSource> {
  const label = format === 'osm_pbf' ? 'OSM PBF' : 'OSM XML';
  const args = [
    'tags-filter', '--no-progress', '-F', format === 'osm_pbf' ? 'pbf' : 'xml',
    // Absolute, so a file named "-x.osm" is never taken for an option.
    resolve(file),
    `w/highway=${drivableClasses.join(',')}`,
    // Tags of the referenced nodes (traffic signals, crossings) are not needed and would triple the XML.
    '--remove-tags', '-f', 'osm', '-o', '-',
  ];
  const child = spawn('osmium', args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const nodes = new Map<number, readonly [number, number]>();
  const ways: RoadWay[] = [];
  // Held in an object: the parser callbacks set them and TypeScript does not track closures' assignments.
  const state: { way: RoadWay | null; sawRoot: boolean; error: Error | null } = { way: null, sawRoot: false, error: null };

  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        state.sawRoot = true;
        break;
      case 'node': {
        const id = parseId(a.id, 'node');
        const lon = Number(a.lon);
        const lat = Number(a.lat);
        checkCoordinate(lon, lat, `node ${id}`);
        nodes.set(id, [lon, lat]);
        break;
      }
      case 'way':
        state.way = { osmId: parseId(a.id, 'way'), nodes: [], tags: {} };
        break;
      case 'nd':
        if (state.way) state.way.nodes.push(parseId(a.ref, `way ${state.way.osmId} nd`));
        break;
      case 'tag':
        if (state.way && a.k !== undefined && a.v !== undefined) state.way.tags[a.k] = a.v;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'way' && state.way) {
      ways.push(state.way);
      state.way = null;
    }
  });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    if (state.error) return;
    try {
      parser.write(chunk);
    } catch (error) {
      state.error = error as Error;
      // Nothing more of this file is useful; stop osmium rather than read the rest.
      child.kill();
    }
  });

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const notInstalled = 'osmium is not installed (Debian package osmium-tool); it reads OSM PBF and XML files';
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new RoadImportError(notInstalled) : error));
    child.on('close', (code) => resolve(code));
  });

  if (state.error) {
    if (state.error instanceof RoadImportError) throw state.error;
    throw new RoadImportError(`cannot read ${label} from osmium: ${state.error.message}`);
  }
  if (exitCode !== 0) {
    const reason = stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ') || `osmium exited with ${exitCode}`;
    throw new RoadImportError(`cannot read ${file} as ${label}: ${reason}`);
  }
  try {
    parser.close();
  } catch (error) {
    throw new RoadImportError(`cannot read ${label} from osmium: ${(error as Error).message}`);
  }
  if (!state.sawRoot) throw new RoadImportError(`cannot read ${file} as ${label}: osmium produced no OSM document`);
  return { nodes, ways, skipped: new SkipTally() };
}

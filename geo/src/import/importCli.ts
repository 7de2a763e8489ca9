import { parseArgs } from 'node:util';
import { migrate, poolFromEnv } from '@dispatch/db';
import { importDemoCounty } from '../demo/demoCounty';
import { importRoads, type RoadFormat } from './importRoads';

const USAGE =
  'usage: npm run geo:import -- <file> [--region NAME] [--replace] [--format osm_pbf|osm_xml|geojson]\n' +
  '       npm run geo:import -- --demo [--replace]   (the synthetic Jiexiu demo county)';

const FORMATS: readonly RoadFormat[] = ['osm_pbf', 'osm_xml', 'geojson'];

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      region: { type: 'string' },
      replace: { type: 'boolean', default: false },
      format: { type: 'string' },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const file = positionals[0];
if (!values.demo && (positionals.length !== 1 || !file)) fail(USAGE, 2);
const format = values.format as RoadFormat | undefined;
if (format !== undefined && !FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}`, 2);
const db = poolFromEnv(2);
try {
  await migrate(db);
  const report = values.demo
    ? await importDemoCounty(db, { replace: values.replace })
    : await importRoads(db, { file: file!, region: values.region, format, replace: values.replace });
  console.log(JSON.stringify(report));
} catch (error) {
  console.error(`import failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.end();
}

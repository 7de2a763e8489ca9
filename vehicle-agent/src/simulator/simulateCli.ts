import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_TIMING, startSimulator } from './startSimulator';

const HELP = `npm run simulate -- [options]
  --url URL                  dispatch server (default http://127.0.0.1:8120)
  --vehicles N               simulate crew-01 … crew-N (default 24)
  --password P               one password for every login (default: each demo login's own, from --passwords)
  --passwords FILE           the demo's passwords file (default .data/demo-logins.json, as npm start writes it)
  --position-interval-s S    position reports while driving (default ${DEFAULT_TIMING.positionIntervalS})
  --idle-interval-s S        position reports while at the station (default ${DEFAULT_TIMING.idlePositionIntervalS})
  --ack-delay-s S            offer → acknowledged (default ${DEFAULT_TIMING.ackDelayS})
  --scene-s S                on scene → transporting (default ${DEFAULT_TIMING.sceneS})
  --handover-s S             at hospital → handover (default ${DEFAULT_TIMING.handoverS})
  --speedup F                simulated seconds per real second (default 1)
  --calls-per-hour N         create random calls at random villages as "dispatcher" (default 0; never dispatches them)
  --phone-share F            ring that share of them (0 to 1) on the phone system as "telephony" instead (default 0)
  --phone-line CODE=LINE     another centre's 120 line those calls also ring on, from villages of its area (nearest its
                             stations); each line, 120-1 included, takes an even share; repeatable. npm start gives
                             PY=PY-120-1, the neighbouring county's (Pingyao's) line
  --quiet                    print only the start line and problems`;

function numberOption(values: Record<string, unknown>, name: string, fallback: number, integer = false): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    console.error(`--${name}: expected a ${integer ? 'whole ' : ''}number ≥ 0, got "${String(raw)}"`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8120' },
    vehicles: { type: 'string' },
    password: { type: 'string' },
    passwords: { type: 'string', default: '.data/demo-logins.json' },
    'position-interval-s': { type: 'string' },
    'idle-interval-s': { type: 'string' },
    'ack-delay-s': { type: 'string' },
    'scene-s': { type: 'string' },
    'handover-s': { type: 'string' },
    speedup: { type: 'string' },
    'calls-per-hour': { type: 'string' },
    'phone-share': { type: 'string' },
    'phone-line': { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const speedup = numberOption(values, 'speedup', 1);
if (speedup === 0) {
  console.error('--speedup: must be greater than 0');
  process.exit(2);
}

/** --phone-line CODE=LINE, as centre code → line id. */
const otherLines: Record<string, string> = {};
for (const raw of values['phone-line'] ?? []) {
  const match = /^([A-Za-z0-9_-]{1,32})=(\S.{0,63})$/.exec(raw.trim());
  if (!match) {
    console.error(`--phone-line: expected CODE=LINE (a centre's code and its line, e.g. PY=PY-120-1), got "${raw}"`);
    process.exit(2);
  }
  otherLines[match[1]!] = match[2]!.trim();
}

const quiet = values.quiet;
const print = (event: object) => {
  if (!quiet || ('type' in event && (event.type === 'problem' || event.type === 'rejected' || event.type === 'started'))) {
    console.log(JSON.stringify({ at: new Date().toISOString(), ...event }));
  }
};

try {
  const simulator = await startSimulator({
    url: values.url,
    vehicles: numberOption(values, 'vehicles', 24, true),
    password: values.password ?? readDemoPasswords(values.passwords),
    positionIntervalS: numberOption(values, 'position-interval-s', DEFAULT_TIMING.positionIntervalS),
    idlePositionIntervalS: numberOption(values, 'idle-interval-s', DEFAULT_TIMING.idlePositionIntervalS),
    ackDelayS: numberOption(values, 'ack-delay-s', DEFAULT_TIMING.ackDelayS),
    sceneS: numberOption(values, 'scene-s', DEFAULT_TIMING.sceneS),
    handoverS: numberOption(values, 'handover-s', DEFAULT_TIMING.handoverS),
    speedup,
    callsPerHour: numberOption(values, 'calls-per-hour', 0),
    phoneShare: Math.min(1, numberOption(values, 'phone-share', 0)),
    otherLines,
    log: print,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await simulator.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (error) {
  console.error(`simulator: ${(error as Error).message}`);
  process.exit(1);
}

/** The demo's passwords file (written by the server at its first demo start), read as login name → password. */
function readDemoPasswords(file: string): Record<string, string> {
  if (!existsSync(file)) {
    console.error(`${file}: no demo passwords file; start the server with DEMO=1 first, or give --password`);
    process.exit(2);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

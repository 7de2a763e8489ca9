import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateDemoCounty } from '@dispatch/geo/demo/demoCounty';
import { readDemoPasswords } from '../demo/demoPasswords';
import { phoneSystemClient, playPhoneCall, randomMobile } from './phonePlayer';

const HELP = `npm run phone -- [options]     plays calls of the centre's phone system against a running server
  --url URL              dispatch server (default http://127.0.0.1:8120)
  --username NAME        the phone system's login (default telephony)
  --password P           its password (default: the demo's own, from --passwords)
  --passwords FILE       the demo's passwords file (default .data/demo-logins.json, as npm start writes it)
  --number N             the caller's number (default a random 139… mobile; the same number twice makes a follow-up)
  --near NAME            a demo village (Chinese or English name; default a random one): the caller is a few metres off it
  --at LON,LAT           the caller's position instead (a real region's)
  --no-location          the network gives no location
  --cell                 a carrier cell location (radius 1500 m) instead of the handset's AML
  --answer-after-s S     ringing before the answer (default 4); --no-answer: the caller hangs up
  --talk-s S             talking before the call ends (default 20)
  --calls N              calls to play (default 1), --every-s S apart (default 30)
  --line L               the line the calls come in on (default 120-1, the demo county's); PY-120-1 is the
                         neighbouring county's (Pingyao's, e.g. with --near 下任堡): only its centre and the province hear it`;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8120' },
    username: { type: 'string', default: 'telephony' },
    password: { type: 'string' },
    passwords: { type: 'string', default: '.data/demo-logins.json' },
    number: { type: 'string' },
    near: { type: 'string' },
    at: { type: 'string' },
    'no-location': { type: 'boolean', default: false },
    cell: { type: 'boolean', default: false },
    'answer-after-s': { type: 'string' },
    'no-answer': { type: 'boolean', default: false },
    'talk-s': { type: 'string' },
    calls: { type: 'string', default: '1' },
    'every-s': { type: 'string', default: '30' },
    line: { type: 'string', default: '120-1' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const seconds = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fail(`--${name}: expected seconds ≥ 0, got "${raw}"`);
};

function callerPosition(): { lon: number; lat: number } | undefined {
  if (values['no-location']) return undefined;
  if (values.at) {
    const [lon, lat] = values.at.split(',').map(Number);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) fail(`--at: expected LON,LAT, got "${values.at}"`);
    return { lon: lon!, lat: lat! };
  }
  const villages = generateDemoCounty().places.filter((p) => p.kind === 'village');
  const village = values.near
    ? (villages.find((v) => v.name === values.near || v.nameEn?.toLowerCase().startsWith(values.near!.toLowerCase())) ?? fail(`--near: no demo village named "${values.near}"`))
    : villages[Math.floor(Math.random() * villages.length)]!;
  // A house of the village, not its centre: within about 100 m.
  return { lon: village.lon + (Math.random() - 0.5) * 0.002, lat: village.lat + (Math.random() - 0.5) * 0.002 };
}

const password = values.password ?? (existsSync(values.passwords) ? readDemoPasswords(values.passwords)[values.username] : undefined);
if (!password) fail(`no password for ${values.username}: give --password, or --passwords FILE (npm start writes .data/demo-logins.json)`);
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) fail(`--calls: expected a whole number ≥ 1, got "${values.calls}"`);

// A bad --near or --at is said before anything is sent.
callerPosition();

try {
  const phone = await phoneSystemClient(values.url, values.username, password!);
  const number = values.number;
  for (let i = 0; i < calls; i++) {
    if (i > 0) await new Promise((done) => setTimeout(done, seconds('every-s', values['every-s'], 30) * 1000));
    await playPhoneCall(
      phone,
      {
        number: number ?? randomMobile(),
        at: callerPosition(),
        cell: values.cell,
        lineId: values.line,
        answerAfterS: values['no-answer'] ? null : seconds('answer-after-s', values['answer-after-s'], 4),
        talkS: seconds('talk-s', values['talk-s'], 20),
      },
      // The number is the caller's: the terminal shows its last digits only, as a call list would.
      (c) => console.log(JSON.stringify({ at: new Date().toISOString(), call: c.pbxCallId, line: c.lineId, state: c.state, number: `…${c.callerPhone?.slice(-4) ?? ''}`, location: c.location, incident: c.incidentNumber })),
    );
  }
} catch (error) {
  console.error(`phone failed: ${(error as Error).message}`);
  process.exitCode = 1;
}

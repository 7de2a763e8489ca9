import {
  createApiClient,
  DEFAULT_CENTRE_ID,
  DEMO_REGISTER_PHONES,
  formatAml,
  type ApiClient,
  type CreateIncidentRequest,
  type IncidentCategory,
  type PlaceDto,
  type PriorityGroup,
  type StationDto,
} from '@dispatch/protocol';
import { distanceM } from './geometry';

/** Calls as a county centre sees them: mostly chest pain, strokes, falls and fevers; few newborn transfers. */
const CALL_MIX: { category: IncidentCategory; weight: number; priority: [number, number]; summaries: string[]; groups: PriorityGroup[] }[] = [
  { category: 'chest_pain', weight: 18, priority: [1, 2], summaries: ['胸痛伴大汗 30 分钟', '胸闷气短, 既往冠心病', '突发胸骨后压榨样疼痛'], groups: ['elderly', 'chronic'] },
  { category: 'stroke', weight: 14, priority: [1, 2], summaries: ['突发左侧肢体无力, 言语不清', '口角歪斜, 右手握力下降', '突发意识模糊'], groups: ['elderly', 'chronic'] },
  { category: 'trauma', weight: 16, priority: [1, 3], summaries: ['摔伤, 左髋部疼痛不能站立', '交通事故, 头部外伤出血', '高处坠落, 腰背痛'], groups: [] },
  { category: 'fever', weight: 10, priority: [2, 3], summaries: ['高热 39.5℃ 伴咳嗽 3 天', '发热伴乏力, 有外地旅居史'], groups: ['child', 'elderly'] },
  { category: 'respiratory', weight: 10, priority: [2, 3], summaries: ['慢阻肺急性加重, 呼吸困难', '哮喘发作, 说话不成句'], groups: ['chronic', 'elderly'] },
  { category: 'obstetric', weight: 6, priority: [2, 2], summaries: ['孕 38 周, 规律宫缩', '孕晚期阴道流血'], groups: ['pregnant'] },
  { category: 'paediatric', weight: 6, priority: [2, 3], summaries: ['小儿高热惊厥', '幼儿误吸异物后咳嗽'], groups: ['child'] },
  { category: 'poisoning', weight: 4, priority: [1, 2], summaries: ['误服农药约 1 小时', '煤气中毒, 两人头晕呕吐'], groups: [] },
  { category: 'newborn_transfer', weight: 2, priority: [2, 2], summaries: ['早产儿 34 周, 需转新生儿科'], groups: ['child'] },
  { category: 'other', weight: 14, priority: [3, 4], summaries: ['腹痛伴呕吐半天', '糖尿病患者血糖低, 意识差', '醉酒后摔倒, 呼之能应'], groups: ['chronic', 'disabled', 'mental_illness'] },
];

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/**
 * A caller's mobile number from one draw; about one call in twelve rings from a number of the demo's priority-group
 * register, so the console shows a resident's record flags (the same draw, so seeded sequences stay as they were).
 */
function callerNumber(draw: number): string {
  const n = Math.floor(100_000_000 + draw * 899_999_999);
  return n % 12 === 0 ? DEMO_REGISTER_PHONES[(n / 12) % DEMO_REGISTER_PHONES.length]! : `13${n}`;
}

/** A realistic random call at one of the villages (location slightly off the village centre, as houses are). */
export function randomCall(villages: PlaceDto[], random: () => number = Math.random): CreateIncidentRequest {
  const total = CALL_MIX.reduce((sum, c) => sum + c.weight, 0);
  let r = random() * total;
  const kind = CALL_MIX.find((c) => (r -= c.weight) < 0) ?? CALL_MIX[0]!;
  const village = pick(villages, random);
  const age = kind.groups.includes('child') && kind.category !== 'obstetric' ? 1 + Math.floor(random() * 10) : 18 + Math.floor(random() * 70);
  const groups = new Set<PriorityGroup>(kind.groups.filter(() => random() < 0.5));
  if (age >= 65) groups.add('elderly');
  return {
    location: { lon: village.lon + (random() - 0.5) * 0.004, lat: village.lat + (random() - 0.5) * 0.004 },
    placeName: village.name,
    address: `${village.name}${1 + Math.floor(random() * 80)}号`,
    category: kind.category,
    priority: kind.priority[0] + Math.floor(random() * (kind.priority[1] - kind.priority[0] + 1)),
    callerPhone: callerNumber(random()),
    patientSummary: `${random() < 0.5 ? '男' : '女'}, ${age}岁, ${pick(kind.summaries, random)}`,
    priorityGroups: [...groups],
  };
}

/** Every village of the gazetteer (GET /api/places matches by name; the demo's names end in 村, 庄 or 堡). */
export async function loadVillages(api: ApiClient): Promise<PlaceDto[]> {
  const found = new Map<string, PlaceDto>();
  for (const q of ['村', '庄', '堡']) {
    for (const p of await api.call('searchPlaces', { query: { q, limit: 50 } })) if (p.kind === 'village') found.set(p.id, p);
  }
  return [...found.values()];
}

/** The default centre's 120 line: a line no centre is configured for rings the default centre (migration 026). */
export const DEFAULT_LINE = '120-1';

/** A phone line the generator rings, with the villages its callers are at. */
export interface RungLine {
  lineId: string;
  villages: PlaceDto[];
}

/**
 * The villages of a centre's area, as the carrier routes a county's 120 by where the caller is: those whose nearest
 * station (of every centre's) is one of the centre's. A centre whose stations are nearest to no village gets the
 * village nearest each of its stations; one without stations, none.
 */
export function villagesOfCentre(villages: readonly PlaceDto[], stations: readonly StationDto[], centreId: string): PlaceDto[] {
  const at = (p: { lon: number; lat: number }): [number, number] => [p.lon, p.lat];
  const nearest = <T extends { lon: number; lat: number }>(from: { lon: number; lat: number }, among: readonly T[]) =>
    among.reduce((best, p) => (distanceM(at(from), at(p)) < distanceM(at(from), at(best)) ? p : best));
  const own = stations.filter((s) => s.centreId === centreId);
  if (own.length === 0 || villages.length === 0) return [];
  const points = stations.map((s) => ({ ...s.location, centreId: s.centreId }));
  const area = villages.filter((v) => nearest(v, points).centreId === centreId);
  return area.length > 0 ? area : [...new Set(own.map((s) => nearest(s.location, villages)))];
}

/**
 * The lines the rung calls come in on: the default centre's (120-1) and each of `otherLines` (centre code → the line
 * the PBX names for that centre's 120), each with its centre's villages.
 */
export async function rungLines(api: ApiClient, villages: PlaceDto[], otherLines: Record<string, string>): Promise<RungLine[]> {
  // The default centre's line alone rings from anywhere, as it did before there were centres.
  if (Object.keys(otherLines).length === 0) return [{ lineId: DEFAULT_LINE, villages }];
  const [centres, stations] = await Promise.all([api.call('listCentres'), api.call('listStations')]);
  const lines = [
    { lineId: DEFAULT_LINE, centreId: DEFAULT_CENTRE_ID, centre: 'the default centre' },
    ...Object.entries(otherLines).map(([code, lineId]) => {
      const centre = centres.find((c) => c.code === code);
      if (!centre) throw new Error(`phone line ${lineId}: no centre with the code ${code} (there are ${centres.map((c) => c.code).join(', ')})`);
      return { lineId, centreId: centre.id, centre: `centre ${code}` };
    }),
  ];
  return lines.map(({ lineId, centreId, centre }) => {
    const area = villagesOfCentre(villages, stations, centreId);
    if (area.length === 0) throw new Error(`phone line ${lineId}: ${centre} has no stations to place its callers near`);
    return { lineId, villages: area };
  });
}

/**
 * Creates random calls at random villages as a dispatcher would take them, at `callsPerHour` (Poisson arrivals,
 * in simulated time). It only creates them: dispatching stays with the human at the console.
 * Returns the function that stops it.
 */
export async function startCallGenerator(options: {
  url: string;
  username: string;
  password: string;
  callsPerHour: number;
  speedup: number;
  /**
   * The share of calls (0 to 1) that ring the centre's phone system instead (as its `telephony` login, with the
   * handset's AML fix): the dispatcher takes them from the intake's pop-up. 0: every call is entered as the dispatcher.
   */
  phoneShare?: number;
  phonePassword?: string;
  /**
   * Other centres' 120 lines the rung calls also come in on: centre code → the line's id as the PBX names it (the
   * demo's Pingyao: { PY: 'PY-120-1' }). Each line, 120-1 included, rings for an even share of the rung calls, from
   * a village of its centre's area (villagesOfCentre), so that each centre's dispatcher has calls to take.
   */
  otherLines?: Record<string, string>;
  log?: (line: { type: 'call'; number: number; category: string; place: string | null } | { type: 'ringing'; line: string; place: string | null } | { type: 'problem'; detail: string }) => void;
}): Promise<() => void> {
  const baseUrl = options.url.replace(/\/$/, '');
  const { token } = await createApiClient({ baseUrl }).call('login', { body: { username: options.username, password: options.password } });
  const api = createApiClient({ baseUrl, token: () => token });
  const villages = await loadVillages(api);
  if (villages.length === 0) throw new Error('no villages in the gazetteer to place calls at (is the demo county seeded?)');
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const schedule = () => {
    const gapS = -Math.log(1 - Math.random()) * (3600 / options.callsPerHour);
    timer = setTimeout(() => void create(), (gapS * 1000) / options.speedup);
  };
  // The phone system's own login (the demo's `telephony`), when some calls are to ring.
  const phoneLogin = async () => (await createApiClient({ baseUrl }).call('login', { body: { username: 'telephony', password: options.phonePassword! } })).token;
  let phoneToken = options.phoneShare && options.phonePassword ? await phoneLogin() : '';
  const phone = phoneToken ? createApiClient({ baseUrl, token: () => phoneToken }) : null;
  const lines = phone ? await rungLines(api, villages, options.otherLines ?? {}) : [];
  // Not holding the process open: a stopped generator leaves only these, which are harmless to drop.
  const later = (s: number, run: () => Promise<unknown>) => setTimeout(() => void run().catch(() => undefined), (s * 1000) / options.speedup).unref();
  /** Rings the phone system on `lineId`: answered after a few seconds, ended after a minute (the pop-up stays until taken). */
  const ring = async (call: CreateIncidentRequest, lineId: string) => {
    const callId = `${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`;
    const event = (kind: 'ringing' | 'answered' | 'ended', extra: object = {}) =>
      phone!.call('reportPhoneCall', { body: { event: kind, callId, lineId, callerNumber: call.callerPhone, at: new Date().toISOString(), ...extra } });
    const location = call.location && { format: 'aml' as const, message: formatAml({ ...call.location, radiusM: 20, at: new Date() }) };
    await event('ringing', location ? { location } : {}).catch(async () => {
      // The session ended (a restart with a new secret, a revocation): log in once more.
      phoneToken = await phoneLogin();
      await event('ringing', location ? { location } : {});
    });
    later(5, () => event('answered'));
    later(60, () => event('ended', { recordingRef: `rec/${callId}.wav` }));
  };
  const create = async () => {
    if (stopped) return;
    try {
      if (phone && Math.random() < options.phoneShare!) {
        const line = pick(lines, Math.random);
        const call = randomCall(line.villages);
        await ring(call, line.lineId);
        options.log?.({ type: 'ringing', line: line.lineId, place: call.placeName ?? null });
        if (!stopped) schedule();
        return;
      }
      // Entered by the dispatcher: anywhere in the county (near the border, the neighbour's vehicles are its help).
      const call = randomCall(villages);
      const incident = await api.call('createIncident', { body: call });
      options.log?.({ type: 'call', number: incident.number, category: incident.category, place: incident.placeName });
    } catch (error) {
      options.log?.({ type: 'problem', detail: (error as Error).message });
    }
    if (!stopped) schedule();
  };
  schedule();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

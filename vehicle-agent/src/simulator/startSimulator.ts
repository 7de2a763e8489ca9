import { CrewAgent } from '../agent/crewAgent';
import { MemoryOutbox } from '../agent/outbox';
import { startCallGenerator } from './callGenerator';
import { SimulatedCrew, type CrewLogEvent, type CrewTiming } from './simulatedCrew';

export interface SimulatorOptions extends Partial<CrewTiming> {
  /** The dispatch server, e.g. http://127.0.0.1:8120. */
  url: string;
  /** Logs in as crew-01 … crew-N. */
  vehicles: number;
  /** One password for every login, or each login's own (the demo's passwords file). */
  password: string | Record<string, string>;
  /** Other login names than crew-01 … (then `vehicles` is ignored). */
  usernames?: string[];
  /** Random calls at random villages per (simulated) hour, created as `dispatcher`; 0 = none. */
  callsPerHour?: number;
  dispatcherUsername?: string;
  /** The share of those calls (0 to 1) that ring the phone system (its `telephony` login) for the dispatcher to take. */
  phoneShare?: number;
  /** Other centres' lines those rung calls also come in on (centre code → line id), from their areas' villages. */
  otherLines?: Record<string, string>;
  /** How many crews log in at once (each login hashes a password on the server). */
  loginConcurrency?: number;
  log?: (
    event: CrewLogEvent | { type: 'call'; number: number; category: string; place: string | null } | { type: 'ringing'; line: string; place: string | null } | { type: 'started'; crews: number },
  ) => void;
}

export interface Simulator {
  crews: SimulatedCrew[];
  /** Stops every crew and the call generator; resolves when all sockets are closed. */
  stop(): Promise<void>;
}

export const DEFAULT_TIMING: CrewTiming = {
  speedup: 1,
  positionIntervalS: 3,
  idlePositionIntervalS: 30,
  ackDelayS: 5,
  turnoutS: 30,
  sceneS: 600,
  handoverS: 300,
};

const passwordOf = (password: SimulatorOptions['password'], username: string) =>
  typeof password === 'string' ? password : (password[username] ?? '');

export const crewUsername = (n: number) => `crew-${String(n).padStart(2, '0')}`;

/**
 * Starts a simulated fleet: each crew logs in, connects, reports its station position, answers offers and walks
 * the lifecycle along the real routes. Used by `npm start`, `npm run simulate` and load tests.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const timing: CrewTiming = { ...DEFAULT_TIMING };
  for (const key of Object.keys(DEFAULT_TIMING) as (keyof CrewTiming)[]) {
    const value = options[key];
    if (value !== undefined) {
      if (!(Number.isFinite(value) && value >= 0) || (key === 'speedup' && value <= 0)) throw new Error(`${key}: must be a positive number, got ${value}`);
      timing[key] = value;
    }
  }
  const usernames = options.usernames ?? Array.from({ length: options.vehicles }, (_, i) => crewUsername(i + 1));
  const log = options.log ?? (() => undefined);
  const crews: SimulatedCrew[] = [];
  const queue = [...usernames];
  const failures: string[] = [];
  const worker = async () => {
    for (let username = queue.shift(); username; username = queue.shift()) {
      const agent = new CrewAgent({ baseUrl: options.url, username, password: passwordOf(options.password, username), outbox: new MemoryOutbox(), transports: ['websocket'] });
      const crew = new SimulatedCrew(agent, timing, log);
      try {
        await crew.start();
        crews.push(crew);
      } catch (error) {
        await agent.stop();
        failures.push(`${username}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.loginConcurrency ?? 4, usernames.length) }, worker));
  if (failures.length) {
    await Promise.all(crews.map((c) => c.stop()));
    throw new Error(`simulated crews could not start:\n  ${failures.join('\n  ')}`);
  }
  let stopCalls: (() => void) | null = null;
  if (options.callsPerHour && options.callsPerHour > 0) {
    stopCalls = await startCallGenerator({
      url: options.url,
      username: options.dispatcherUsername ?? 'dispatcher',
      password: passwordOf(options.password, options.dispatcherUsername ?? 'dispatcher'),
      callsPerHour: options.callsPerHour,
      speedup: timing.speedup,
      phoneShare: options.phoneShare ?? 0,
      phonePassword: passwordOf(options.password, 'telephony'),
      otherLines: options.otherLines ?? {},
      log: (line) => log(line.type === 'problem' ? { type: 'problem', callSign: '-', detail: line.detail } : line),
    });
  }
  log({ type: 'started', crews: crews.length });
  return {
    crews,
    async stop() {
      stopCalls?.();
      await Promise.all(crews.map((c) => c.stop()));
    },
  };
}

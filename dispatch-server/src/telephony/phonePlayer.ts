import { randomBytes } from 'node:crypto';
import { createApiClient, formatAml, type ApiClient, type CallerLocationInput, type PhoneCallDto } from '@dispatch/protocol';

/** One call as the centre's phone system would report it: who calls, from where, and how long each step takes. */
export interface PlayedCall {
  number: string;
  /** Where the caller is; absent: no location from the network. */
  at?: { lon: number; lat: number };
  /** The handset's AML fix radius in metres, or the cell's radius with `cell`. */
  radiusM?: number;
  /** A carrier cell location instead of the handset's AML. */
  cell?: boolean;
  lineId?: string;
  /** Seconds of ringing before the call-taker answers; null: never answered (the caller hangs up). */
  answerAfterS?: number | null;
  /** Seconds of talking before the call ends. */
  talkS?: number;
  /** The PBX call id; a new one when absent. */
  callId?: string;
}

const sleep = (s: number) => new Promise((done) => setTimeout(done, s * 1000));

/** A PBX call id as Asterisk writes its uniqueid (epoch seconds.sequence). */
export const newPbxCallId = (): string => `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}`;

/**
 * Plays one call against a running server as the phone system (the `telephony` login): ringing with the caller's
 * location, answered after a few seconds, ended after the talk, with a recording reference. Returns the call as the
 * server last answered it. The phone network edge of the demo and of the tests; nothing else plays it.
 */
export async function playPhoneCall(phone: ApiClient, call: PlayedCall, onStep?: (call: PhoneCallDto) => void): Promise<PhoneCallDto> {
  const callId = call.callId ?? newPbxCallId();
  const lineId = call.lineId ?? '120-1';
  const radiusM = call.radiusM ?? (call.cell ? 1500 : 25);
  const location = (): CallerLocationInput | undefined =>
    !call.at
      ? undefined
      : call.cell
        ? { format: 'cell', lon: call.at.lon, lat: call.at.lat, radiusM }
        : { format: 'aml', message: formatAml({ ...call.at, radiusM, at: new Date() }) };
  const report = async (event: 'ringing' | 'answered' | 'ended', extra: object = {}) => {
    const answer = await phone.call('reportPhoneCall', {
      body: { event, callId, lineId, callerNumber: call.number, at: new Date().toISOString(), ...extra },
    });
    onStep?.(answer);
    return answer;
  };
  let last = await report('ringing', { location: location() });
  if (call.answerAfterS !== null) {
    await sleep(call.answerAfterS ?? 4);
    // The handset sends AML again once its fix settles: a newer location with the answer.
    last = await report('answered', { location: location() });
    await sleep(call.talkS ?? 20);
  } else {
    await sleep(call.talkS ?? 10);
  }
  last = await report('ended', call.answerAfterS === null ? {} : { recordingRef: `rec/${new Date().toISOString().slice(0, 10)}/${callId}.wav` });
  return last;
}

/** The phone system's client: logs in as the telephony login. */
export async function phoneSystemClient(url: string, username: string, password: string): Promise<ApiClient> {
  const baseUrl = url.replace(/\/$/, '');
  const { token } = await createApiClient({ baseUrl }).call('login', { body: { username, password } });
  return createApiClient({ baseUrl, token: () => token });
}

/** A mobile number of the kind a county's callers have (139 + 8 digits). */
export const randomMobile = (): string => `139${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;

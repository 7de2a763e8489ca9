import type { ApiClient, IncidentCategory, ResponseInterval } from '@dispatch/protocol';
import type { Queryable } from '@dispatch/db';

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
export function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (rank - low) * ((sorted[Math.ceil(rank)] ?? sorted[low]!) - sorted[low]!);
}

export const DAY = 86_400_000;
const UTC8 = 8 * 3600_000;
/** Midnight in the centre's time zone (UTC+8) ten days ago: every known call lies within the last 30 days (the intake's limit). */
export const knownBase = Math.floor((Date.now() + UTC8) / DAY) * DAY - UTC8 - 10 * DAY;
export const iso = (ms: number) => new Date(ms).toISOString();
/** The day (YYYY-MM-DD) an instant falls on in UTC+8. */
export const dayKey = (ms: number) => new Date(ms + UTC8).toISOString().slice(0, 10);

export type Spans = Record<ResponseInterval, number>;
export interface Known {
  day: number;
  category: IncidentCategory;
  station: 0 | 1;
  address: string;
  phone: string;
  spans: Spans;
}

/** Four calls with known intervals (seconds): three on the first day, one on the second; two vehicles of two stations. */
export const KNOWN: Known[] = [
  { day: 0, category: 'chest_pain', station: 0, address: '张兰镇西街 3 号', phone: '139 1111 2222', spans: { answer: 4, callToDispatch: 40, turnout: 60, travel: 600, onScene: 900, transport: 1200, handover: 300 } },
  { day: 0, category: 'chest_pain', station: 0, address: '城区顺城路 18 号', phone: '13833334444', spans: { answer: 8, callToDispatch: 50, turnout: 120, travel: 800, onScene: 600, transport: 1000, handover: 200 } },
  { day: 0, category: 'trauma', station: 1, address: '义棠镇 G108 路口', phone: '+86 137-5555-6666', spans: { answer: 12, callToDispatch: 70, turnout: 200, travel: 400, onScene: 300, transport: 1500, handover: 400 } },
  { day: 1, category: 'stroke', station: 1, address: '张兰镇东村', phone: '13977778888', spans: { answer: 6, callToDispatch: 30, turnout: 90, travel: 500, onScene: 700, transport: 900, handover: 250 } },
];

/** The expected figures of a group of known calls, by percentile_cont's rule. */
export function expectedStats(members: Known[]): Record<ResponseInterval, { n: number; p50: number | null; p90: number | null }> {
  return Object.fromEntries(
    (Object.keys(members[0]!.spans) as ResponseInterval[]).map((k) => {
      const values = members.map((m) => m.spans[k]);
      return [k, { n: values.length, p50: percentileCont(values, 0.5), p90: percentileCont(values, 0.9) }];
    }),
  ) as Record<ResponseInterval, { n: number; p50: number | null; p90: number | null }>;
}

/**
 * Takes the known calls through the API (intake with ring and answer times, a dispatch of a chosen vehicle of one of
 * two stations, released at once, the incident closed), then sets each task's record to the known history in the
 * database: ten days ago the server never stamps. The last call comes through the phone system (ringing and answered
 * reported by the telephony login, the incident taken from that call).
 */
export async function seedKnownIncidents(db: Queryable, dispatcher: ApiClient, telephony: ApiClient) {
  const fleet = (await dispatcher.call('listVehicles')).filter((v) => v.kind === 'negative_pressure_ambulance' && v.inService);
  const homes = [...new Set(fleet.map((v) => v.homeStationId))].slice(0, 2);
  const allStations = await dispatcher.call('listStations');
  const stations = homes.map((home) => allStations.find((s) => s.id === home)!);
  const vehicles = homes.map((home) => fleet.find((v) => v.homeStationId === home)!);
  const incidents: { id: string; number: number; assignmentId: string; dispatchedAt: number; endedAt: number; ring: number }[] = [];
  for (const [i, k] of KNOWN.entries()) {
    const ring = knownBase + k.day * DAY + (9 + i) * 3600_000;
    const answer = ring + k.spans.answer * 1000;
    // The last call comes through the phone system: its ring and answer times are the PBX's, the others are typed.
    const phoneCall = i === KNOWN.length - 1 ? await throughThePhoneSystem(telephony, `known-${ring}`, k.phone, ring, answer) : null;
    const incident = await dispatcher.call('createIncident', {
      body: {
        location: { lon: 111.913 + i / 1000, lat: 37.027 }, category: k.category, priority: 2, address: k.address, callerPhone: k.phone,
        requiredVehicleCapabilities: [],
        ...(phoneCall ? { phoneCallId: phoneCall } : { callReceivedAt: iso(ring), callAnsweredAt: iso(answer) }),
      },
    });
    const offer = await dispatcher.call('assignVehicle', { params: { id: incident.id }, body: { vehicleId: vehicles[k.station]!.id } });
    await dispatcher.call('cancelAssignment', { params: { id: offer.assignment.id }, body: { reason: 'report test' } });
    let t = ring + (k.spans.answer + k.spans.callToDispatch) * 1000;
    const stamps = [t];
    for (const span of [k.spans.turnout, k.spans.travel, k.spans.onScene, k.spans.transport, k.spans.handover]) stamps.push((t += span * 1000));
    const endedAt = t + 600_000;
    await db.query(
      `UPDATE assignments SET dispatched_at = $2, en_route_at = $3, on_scene_at = $4, transporting_at = $5, at_hospital_at = $6, handover_at = $7, ended_at = $8
        WHERE id = $1`,
      [offer.assignment.id, ...stamps.map((s) => new Date(s)), new Date(endedAt)],
    );
    // Finished long ago: closed, as the centre would have closed it (not a call still waiting on the board).
    await dispatcher.call('closeIncident', { params: { id: incident.id } });
    incidents.push({ id: incident.id, number: incident.number, assignmentId: offer.assignment.id, dispatchedAt: stamps[0]!, endedAt, ring });
  }
  return { stations, vehicles, incidents, from: iso(knownBase), to: iso(knownBase + 2 * DAY) };
}

/** The PBX reports a call ringing and answered (the telephony login's API); the call's id, for the intake. */
async function throughThePhoneSystem(telephony: ApiClient, callId: string, phone: string, ring: number, answer: number): Promise<string> {
  const call = { callId, lineId: '120-1', callerNumber: phone.replace(/[^0-9+]/g, '') };
  await telephony.call('reportPhoneCall', { body: { ...call, event: 'ringing', at: iso(ring) } });
  return (await telephony.call('reportPhoneCall', { body: { ...call, event: 'answered', at: iso(answer) } })).id;
}

/** Inserts position fixes of a vehicle as its GPS would have recorded them (device time = receive time). */
export async function insertFixes(db: Queryable, vehicleId: string, fixes: [at: number, lon: number, lat: number][]) {
  for (const [at, lon, lat] of fixes) {
    await db.query(
      `INSERT INTO vehicle_positions (vehicle_id, location, device_time, received_at, source) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $4, 'test')`,
      [vehicleId, lon, lat, new Date(at)],
    );
  }
}

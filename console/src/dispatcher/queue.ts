import type { IncidentDto } from '@dispatch/protocol';
import { ageSeconds } from '../common/format';

const UNFINISHED = new Set(['open', 'queued', 'assigned']);

export const isUnfinished = (i: IncidentDto) => UNFINISHED.has(i.status);

/** Open or queued with no vehicle working on it: what the dispatcher still has to do. */
export const waitsForVehicle = (i: IncidentDto) => (i.status === 'open' || i.status === 'queued') && !i.assignments.some((a) => !a.endedAt);

/**
 * Calls waiting for a vehicle first, whatever their priority (a P3 waiting 5 minutes is above a P1 that has its
 * vehicle), by priority then longest wait; then those with vehicles, the same way; then finished ones, latest first.
 */
export function sortQueue(incidents: Iterable<IncidentDto>): IncidentDto[] {
  const group = (i: IncidentDto) => (!UNFINISHED.has(i.status) ? 2 : waitsForVehicle(i) ? 0 : 1);
  return [...incidents].sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 2) return Date.parse(b.callReceivedAt) - Date.parse(a.callReceivedAt);
    return a.priority - b.priority || Date.parse(a.callReceivedAt) - Date.parse(b.callReceivedAt);
  });
}

/** Time until the first vehicle was dispatched (or until now while none is). */
export function waitSeconds(i: IncidentDto, now: number): { seconds: number; stopped: boolean } {
  const dispatched = i.assignments.flatMap((a) => (a.timestamps.dispatched ? [Date.parse(a.timestamps.dispatched)] : []));
  if (dispatched.length > 0) return { seconds: (Math.min(...dispatched) - Date.parse(i.callReceivedAt)) / 1000, stopped: true };
  if (i.closedAt) return { seconds: (Date.parse(i.closedAt) - Date.parse(i.callReceivedAt)) / 1000, stopped: true };
  return { seconds: ageSeconds(i.callReceivedAt, now), stopped: false };
}

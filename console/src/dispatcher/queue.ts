import type { IncidentDto } from '@dispatch/protocol';
import { ageSeconds } from '../common/format';

const UNFINISHED = new Set(['open', 'queued', 'assigned']);

export const isUnfinished = (i: IncidentDto) => UNFINISHED.has(i.status);

/** Unfinished first, by priority then longest wait; then finished ones, latest first. */
export function sortQueue(incidents: Iterable<IncidentDto>): IncidentDto[] {
  return [...incidents].sort((a, b) => {
    const ua = UNFINISHED.has(a.status) ? 0 : 1;
    const ub = UNFINISHED.has(b.status) ? 0 : 1;
    if (ua !== ub) return ua - ub;
    if (ua === 1) return Date.parse(b.callReceivedAt) - Date.parse(a.callReceivedAt);
    // Waiting for a vehicle comes before already assigned, at the same priority.
    const wa = a.status === 'assigned' ? 1 : 0;
    const wb = b.status === 'assigned' ? 1 : 0;
    return a.priority - b.priority || wa - wb || Date.parse(a.callReceivedAt) - Date.parse(b.callReceivedAt);
  });
}

/** Time until the first vehicle was dispatched (or until now while none is). */
export function waitSeconds(i: IncidentDto, now: number): { seconds: number; stopped: boolean } {
  const dispatched = i.assignments.flatMap((a) => (a.timestamps.dispatched ? [Date.parse(a.timestamps.dispatched)] : []));
  if (dispatched.length > 0) return { seconds: (Math.min(...dispatched) - Date.parse(i.callReceivedAt)) / 1000, stopped: true };
  if (i.closedAt) return { seconds: (Date.parse(i.closedAt) - Date.parse(i.callReceivedAt)) / 1000, stopped: true };
  return { seconds: ageSeconds(i.callReceivedAt, now), stopped: false };
}

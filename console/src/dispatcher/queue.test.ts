import { describe, expect, it } from 'vitest';
import type { AssignmentDto, IncidentDto } from '@dispatch/protocol';
import { sortQueue, waitSeconds } from './queue';

let n = 0;
function incident(over: Partial<IncidentDto>): IncidentDto {
  n++;
  const base: IncidentDto = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    number: n,
    centreId: 'c0000000-0000-4000-8000-000000000001',
    status: 'open',
    category: 'other',
    priority: 3,
    location: { lon: 111.9, lat: 37 },
    address: null,
    placeName: null,
    callerPhone: null,
    patientSummary: null,
    priorityGroups: [],
    requiredVehicleCapabilities: [],
    requiredHospitalCapabilities: [],
    responsibleStationId: null,
    destinationHospitalId: null,
    callReceivedAt: '2026-11-24T10:00:00+08:00',
    createdAt: '2026-11-24T10:00:00+08:00',
    callAnsweredAt: null,
    followUps: 0,
    transfer: null,
    closedAt: null,
    assignments: [],
  };
  return Object.assign(base, over);
}
const dispatchedAt = (at: string) => ({ timestamps: { dispatched: at } }) as unknown as AssignmentDto;

describe('the incident queue order', () => {
  it('puts calls waiting for a vehicle first, by priority then the longest waiting, then those with vehicles, then finished ones', () => {
    const oldLow = incident({ priority: 3, callReceivedAt: '2026-11-24T09:00:00+08:00' });
    const newUrgent = incident({ priority: 1, callReceivedAt: '2026-11-24T10:05:00+08:00' });
    const oldUrgent = incident({ priority: 1, callReceivedAt: '2026-11-24T10:01:00+08:00' });
    const assignedUrgent = incident({ priority: 1, status: 'assigned', callReceivedAt: '2026-11-24T09:30:00+08:00' });
    const closed = incident({ priority: 1, status: 'closed', callReceivedAt: '2026-11-24T08:00:00+08:00' });
    const cancelledLater = incident({ priority: 4, status: 'cancelled', callReceivedAt: '2026-11-24T08:30:00+08:00' });
    expect(sortQueue([closed, oldLow, assignedUrgent, newUrgent, cancelledLater, oldUrgent]).map((i) => i.number)).toEqual(
      [oldUrgent, newUrgent, oldLow, assignedUrgent, cancelledLater, closed].map((i) => i.number),
    );
  });

  it('puts a P3 call waiting 5 minutes above P1 calls that already have vehicles', () => {
    const live = { endedAt: null, timestamps: {} } as unknown as AssignmentDto;
    const timedOut = { endedAt: '2026-11-24T10:02:00+08:00', status: 'timed_out', timestamps: {} } as unknown as AssignmentDto;
    const p3Waiting = incident({ priority: 3, callReceivedAt: '2026-11-24T10:00:00+08:00' });
    const p1Covered = incident({ priority: 1, status: 'assigned', assignments: [live], callReceivedAt: '2026-11-24T10:04:00+08:00' });
    // Its crew let the offer time out: waiting again, though it once had a vehicle.
    const p2Again = incident({ priority: 2, status: 'open', assignments: [timedOut], callReceivedAt: '2026-11-24T10:01:00+08:00' });
    const p2Queued = incident({ priority: 2, status: 'queued', callReceivedAt: '2026-11-24T10:03:00+08:00' });
    expect(sortQueue([p1Covered, p3Waiting, p2Queued, p2Again]).map((i) => i.number)).toEqual([p2Again, p2Queued, p3Waiting, p1Covered].map((i) => i.number));
  });

  it('compares instants, not how their offsets are written', () => {
    const utc = incident({ callReceivedAt: '2026-11-24T02:00:30Z' }); // 10:00:30 in Beijing
    const beijing = incident({ callReceivedAt: '2026-11-24T10:00:10+08:00' });
    expect(sortQueue([utc, beijing]).map((i) => i.number)).toEqual([beijing.number, utc.number]);
  });
});

describe('the waiting time of a call', () => {
  const now = Date.parse('2026-11-24T10:03:00+08:00');
  it('counts from the call until now while no vehicle is dispatched', () => {
    expect(waitSeconds(incident({}), now)).toEqual({ seconds: 180, stopped: false });
  });
  it('stops at the first dispatch, whatever the order of the assignments', () => {
    const i = incident({ assignments: [dispatchedAt('2026-11-24T02:02:00Z'), dispatchedAt('2026-11-24T10:00:45+08:00')] });
    expect(waitSeconds(i, now)).toEqual({ seconds: 45, stopped: true });
  });
  it('stops when the call was closed without a vehicle', () => {
    expect(waitSeconds(incident({ status: 'cancelled', closedAt: '2026-11-24T10:01:00+08:00' }), now)).toEqual({ seconds: 60, stopped: true });
  });
});

import type { StatusEventDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { arrivalFlags } from './arrivalFlags';

const event = (id: string, status: string, receivedAt: string, assignmentId: string | null = 'a1'): StatusEventDto => ({
  id, incidentId: 'i1', assignmentId, vehicleId: 'v1', status, deviceTime: receivedAt, receivedAt, actor: null, source: 'tablet', note: null, callerPhone: null,
});

describe('arrivalFlags', () => {
  it('marks a step reported twice as a repeat and a step arriving after a later one as out of order', () => {
    const flags = arrivalFlags([
      event('1', 'dispatched', '2026-12-03T08:00:00Z'),
      event('2', 'en_route', '2026-12-03T08:01:00Z'),
      event('3', 'acknowledged', '2026-12-03T08:02:00Z'),
      event('4', 'en_route', '2026-12-03T08:03:00Z'),
      event('5', 'on_scene', '2026-12-03T08:04:00Z'),
    ]);
    expect([...flags]).toEqual([['3', 'outOfOrder'], ['4', 'repeat']]);
  });

  it('judges each task apart, by arrival and not by the order given, and leaves the call received alone', () => {
    const flags = arrivalFlags([
      event('b', 'on_scene', '2026-12-03T08:05:00Z', 'a2'),
      event('c', 'dispatched', '2026-12-03T08:06:00Z', 'a1'),
      event('a', 'dispatched', '2026-12-03T08:00:00Z', 'a2'),
      event('0', 'call_received', '2026-12-03T07:59:00Z', null),
    ]);
    expect(flags.size).toBe(0);
  });
});

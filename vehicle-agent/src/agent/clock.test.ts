import { describe, expect, it } from 'vitest';
import { StatusReport } from '@dispatch/protocol';
import { ManualClock, isoWithOffset } from './clock';
import { newEventId } from './ids';
import { nextSteps } from './lifecycle';

describe('device time stamps', () => {
  it('writes the instant with the device offset, and it reads back as the same instant', () => {
    const ms = Date.UTC(2026, 10, 24, 12, 31, 5, 120);
    expect(isoWithOffset(ms, 480)).toBe('2026-11-24T20:31:05.120+08:00');
    expect(isoWithOffset(ms, -330)).toBe('2026-11-24T07:01:05.120-05:30');
    expect(isoWithOffset(ms, 0)).toBe('2026-11-24T12:31:05.120+00:00');
    for (const offset of [480, -330, 0]) expect(Date.parse(isoWithOffset(ms, offset))).toBe(ms);
  });

  it('produces what the protocol accepts as a status report', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    clock.advance(90_000);
    const report = { eventId: newEventId(), status: 'acknowledged', deviceTime: isoWithOffset(clock.now(), 480) };
    expect(StatusReport.parse(report).deviceTime).toBe('2026-01-01T08:01:30.000+08:00');
  });

  it('makes distinct v4 event ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newEventId));
    expect(ids.size).toBe(1000);
    for (const id of [...ids].slice(0, 20)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('next steps offered to the crew', () => {
  it('follows the lifecycle order, with the no-transport shortcut on scene, and nothing after the task ends', () => {
    expect(nextSteps('dispatched')).toEqual(['acknowledged']);
    expect(nextSteps('en_route')).toEqual(['on_scene']);
    expect(nextSteps('at_patient')).toEqual(['transporting', 'back_in_service']);
    expect(nextSteps('handover')).toEqual(['back_in_service']);
    expect(nextSteps('back_in_service')).toEqual(['back_at_base']);
    expect(nextSteps('back_at_base')).toEqual([]);
    expect(nextSteps('cancelled')).toEqual([]);
    expect(nextSteps(null)).toEqual([]);
  });
});

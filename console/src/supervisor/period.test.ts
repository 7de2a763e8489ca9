import { describe, expect, it } from 'vitest';
import { dayInput, dayStart, instantOf, startOfToday } from './period';

describe('report periods in local days', () => {
  it('starts a day at local midnight and ends a range at the next one', () => {
    const start = dayStart('2026-11-23');
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([2026, 10, 23, 0, 0]);
    expect(dayStart('2026-11-30', 1).getDate()).toBe(1);
    expect(dayInput(dayStart('2026-02-28', 1))).toBe('2026-03-01');
  });

  it('reads today as midnight of the same local day', () => {
    const now = new Date(2026, 11, 3, 17, 45);
    expect(dayInput(startOfToday(now))).toBe('2026-12-03');
    expect(startOfToday(now).getHours()).toBe(0);
  });

  it('turns a local date-time input into an instant, and nothing when it is empty or wrong', () => {
    expect(instantOf('2026-12-03T08:30')).toBe(new Date(2026, 11, 3, 8, 30).toISOString());
    expect(instantOf('')).toBeUndefined();
    expect(instantOf('not a date')).toBeUndefined();
  });
});

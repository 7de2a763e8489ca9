import { describe, expect, it } from 'vitest';
import { etaMinutes, formatDuration, isStale, km } from './format';

describe('console formatting', () => {
  it('writes durations as mm:ss, with hours when needed, never negative', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(75.9)).toBe('01:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(-12)).toBe('00:00');
  });
  it('rounds ETAs to whole minutes but never shows a real drive as 0 minutes', () => {
    expect(etaMinutes(0)).toBe(0);
    expect(etaMinutes(20)).toBe(1);
    expect(etaMinutes(89)).toBe(1);
    expect(etaMinutes(91)).toBe(2);
  });
  it('shows kilometres with one decimal below 10 km', () => {
    expect(km(8300)).toBe('8.3');
    expect(km(22_400)).toBe('22');
  });
  it('flags a fix stale only when older than the server’s threshold, and a vehicle without a fix always', () => {
    const now = Date.parse('2025-01-01T08:00:00Z');
    expect(isStale('2025-01-01T07:58:30Z', now, 120)).toBe(false);
    expect(isStale('2025-01-01T07:57:59Z', now, 120)).toBe(true);
    expect(isStale('2025-01-01T07:57:59Z', now, 300)).toBe(false);
    expect(isStale(null, now, 300)).toBe(true);
    expect(isStale(undefined, now, 300)).toBe(true);
  });
});

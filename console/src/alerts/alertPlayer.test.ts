import { describe, expect, it } from 'vitest';
import { AlertKind } from '@dispatch/protocol';
import { ALERT_TONES, mostUrgent } from './alertPlayer';

describe('alert sounds', () => {
  it('gives every kind a pattern of its own (pitches and rhythm), so each is told apart without looking', () => {
    const signatures = Object.values(ALERT_TONES).map((tones) => JSON.stringify(tones.map((t) => [t.hz, t.at, t.s, t.wave ?? 'sine'])));
    expect(new Set(signatures).size).toBe(Object.keys(ALERT_TONES).length);
    for (const kind of AlertKind.options) expect(ALERT_TONES[kind].length).toBeGreaterThan(0);
  });

  it('plays the most urgent kind when several start at once', () => {
    expect(mostUrgent(['newCall', 'reoffer', 'unassigned'])).toBe('unassigned');
    expect(mostUrgent(['newCall', 'escalation'])).toBe('escalation');
    expect(mostUrgent([])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { etaMinutes, formatDuration, km, vehicleColour } from './format';

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
  it('colours a busy vehicle by its task step and a free one by its state', () => {
    expect(vehicleColour('available', null)).not.toBe(vehicleColour('busy', 'en_route'));
    expect(vehicleColour('busy', 'en_route')).not.toBe(vehicleColour('busy', 'transporting'));
    expect(vehicleColour('busy', 'on_scene')).toBe(vehicleColour('busy', 'at_patient'));
  });
});

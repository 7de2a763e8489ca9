import { describe, expect, it } from 'vitest';
import { vehicleColour } from './colours';

describe('shared colours', () => {
  it('colours a busy vehicle by its task step and a free one by its state', () => {
    expect(vehicleColour('available', null)).not.toBe(vehicleColour('busy', 'en_route'));
    expect(vehicleColour('busy', 'en_route')).not.toBe(vehicleColour('busy', 'transporting'));
    expect(vehicleColour('busy', 'on_scene')).toBe(vehicleColour('busy', 'at_patient'));
  });
});

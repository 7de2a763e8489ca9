import { describe, expect, it } from 'vitest';
import { closedToVehicles, parseDirection, parseMaxspeed, wayAttributes } from './roadTags';

describe('parseMaxspeed', () => {
  it('reads plain km/h and units', () => {
    expect(parseMaxspeed('50')).toBe(50);
    expect(parseMaxspeed('60 km/h')).toBe(60);
    expect(parseMaxspeed('30 mph')).toBeCloseTo(48.28, 2);
    expect(parseMaxspeed('10 knots')).toBeCloseTo(18.52, 2);
  });

  it('ignores zone codes, words, lists and absurd numbers so the class speed applies', () => {
    for (const value of ['RU:urban', 'DE:zone30', 'none', 'walk', 'signals', '50;30', '0', '500', '', undefined]) {
      expect(parseMaxspeed(value), String(value)).toBeNull();
    }
  });
});

describe('parseDirection', () => {
  it('reads oneway values as OSM defines them', () => {
    for (const v of ['yes', 'true', '1']) expect(parseDirection({ oneway: v })).toEqual({ forward: true, backward: false });
    for (const v of ['-1', 'reverse']) expect(parseDirection({ oneway: v })).toEqual({ forward: false, backward: true });
    expect(parseDirection({ oneway: 'no' })).toEqual({ forward: true, backward: true });
    expect(parseDirection({})).toEqual({ forward: true, backward: true });
  });

  it('treats roundabouts and motorways as one-way unless tagged oneway=no', () => {
    expect(parseDirection({ junction: 'roundabout' })).toEqual({ forward: true, backward: false });
    expect(parseDirection({ junction: 'circular' })).toEqual({ forward: true, backward: false });
    expect(parseDirection({ highway: 'motorway' })).toEqual({ forward: true, backward: false });
    expect(parseDirection({ highway: 'motorway', oneway: 'no' })).toEqual({ forward: true, backward: true });
    expect(parseDirection({ highway: 'motorway_link' })).toEqual({ forward: true, backward: true });
  });
});

describe('wayAttributes', () => {
  it('keeps the name, falling back to the route number', () => {
    expect(wayAttributes({ highway: 'primary', name: '新华街', ref: 'G108' }).name).toBe('新华街');
    expect(wayAttributes({ highway: 'trunk', ref: 'G108' }).name).toBe('G108');
    expect(wayAttributes({ highway: 'residential' }).name).toBeNull();
  });

  it('flags tunnels and bridges of any kind but "no"', () => {
    const a = wayAttributes({ highway: 'primary', tunnel: 'building_passage', bridge: 'viaduct' });
    expect([a.tunnel, a.bridge]).toEqual([true, true]);
    const b = wayAttributes({ highway: 'primary', tunnel: 'no', bridge: 'no' });
    expect([b.tunnel, b.bridge]).toEqual([false, false]);
  });

  it('closes a road to an ambulance by its most specific access tag, unless emergency vehicles may use it', () => {
    expect(closedToVehicles({ highway: 'service', access: 'no' })).toBe('access=no');
    expect(closedToVehicles({ highway: 'service', access: 'no', motor_vehicle: 'yes' })).toBeNull();
    expect(closedToVehicles({ highway: 'track', access: 'yes', motor_vehicle: 'no' })).toBe('motor_vehicle=no');
    expect(closedToVehicles({ highway: 'service', vehicle: 'no', motorcar: 'destination' })).toBeNull();
    expect(closedToVehicles({ highway: 'service', access: 'no', emergency: 'yes' })).toBeNull();
    // A gated compound opens its gate for the ambulance of a patient inside.
    expect(closedToVehicles({ highway: 'residential', access: 'private' })).toBeNull();
    expect(closedToVehicles({ highway: 'track', motorcar: 'forestry' })).toBe('motorcar=forestry');
  });
});

import { describe, expect, it } from 'vitest';
import { decideTransition, vehicleStateFor, type AssignmentState } from './taskLifecycle';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 12, minute));
const state = (status: string, minute: number, extra: AssignmentState['timestamps'] = {}): AssignmentState => ({
  status,
  statusTime: at(minute),
  timestamps: { dispatched: at(0), ...extra, [status]: at(minute) },
});

describe('decideTransition', () => {
  it('advances through the lifecycle in order', () => {
    expect(decideTransition(state('dispatched', 0), 'acknowledged', at(1))).toEqual({ kind: 'advance' });
    expect(decideTransition(state('on_scene', 10), 'transporting', at(20))).toEqual({ kind: 'advance' });
  });

  it('lets a crew skip optional steps such as acknowledged or at_patient', () => {
    expect(decideTransition(state('dispatched', 0), 'en_route', at(1))).toEqual({ kind: 'advance' });
    expect(decideTransition(state('on_scene', 10), 'back_in_service', at(30))).toEqual({ kind: 'advance' });
  });

  it('rejects transporting before the vehicle was on scene', () => {
    const decision = decideTransition(state('en_route', 2), 'transporting', at(5));
    expect(decision).toEqual({ kind: 'illegal', reason: 'cannot be transporting before on_scene' });
  });

  it('rejects a step backwards stamped after the current step', () => {
    expect(decideTransition(state('on_scene', 10), 'en_route', at(11))).toMatchObject({ kind: 'illegal' });
  });

  it('keeps a late replay of an earlier step as record and fills its missing timestamp', () => {
    expect(decideTransition(state('on_scene', 10), 'acknowledged', at(1))).toEqual({ kind: 'late', fillsTimestamp: true });
    expect(decideTransition(state('on_scene', 10, { en_route: at(2) }), 'en_route', at(2))).toEqual({
      kind: 'late',
      fillsTimestamp: false,
    });
  });

  it('refuses anything new after a cancellation but keeps older records', () => {
    expect(decideTransition(state('cancelled', 5), 'on_scene', at(6))).toMatchObject({ kind: 'illegal' });
    expect(decideTransition(state('cancelled', 5), 'en_route', at(3))).toEqual({ kind: 'late', fillsTimestamp: true });
  });

  it('refuses to cancel once the patient was handed over', () => {
    expect(decideTransition(state('handover', 40), 'cancelled', at(41))).toMatchObject({ kind: 'illegal' });
    expect(decideTransition(state('on_scene', 10), 'cancelled', at(11))).toEqual({ kind: 'advance' });
  });
});

describe('vehicleStateFor', () => {
  it('frees the vehicle when back in service and at base', () => {
    expect(vehicleStateFor('transporting')).toBe('busy');
    expect(vehicleStateFor('back_in_service')).toBe('returning');
    expect(vehicleStateFor('back_at_base')).toBe('available');
  });
});

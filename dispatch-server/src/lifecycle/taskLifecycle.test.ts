import { describe, expect, it } from 'vitest';
import { decideTransition, vehicleStateFor, type AssignmentState } from './taskLifecycle';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 12, minute));
/** A task at `status` with the given steps recorded. */
const state = (status: string, recorded: string[] = []): AssignmentState => ({
  status,
  timestamps: Object.fromEntries(['dispatched', ...recorded, status].map((s, i) => [s, at(i)])),
});

describe('decideTransition', () => {
  it('advances through the lifecycle in order', () => {
    expect(decideTransition(state('dispatched'), 'acknowledged')).toEqual({ kind: 'advance' });
    expect(decideTransition(state('on_scene'), 'transporting')).toEqual({ kind: 'advance' });
  });

  it('advances whatever the device clock says: a tablet a few seconds slow still acknowledges', () => {
    // No time is passed at all: order decides, clocks of different devices are never compared.
    expect(decideTransition(state('dispatched'), 'acknowledged')).toEqual({ kind: 'advance' });
  });

  it('lets a crew skip optional steps such as acknowledged or at_patient', () => {
    expect(decideTransition(state('dispatched'), 'en_route')).toEqual({ kind: 'advance' });
    expect(decideTransition(state('on_scene'), 'back_in_service')).toEqual({ kind: 'advance' });
  });

  it('refuses transport or return to service before the vehicle was on scene', () => {
    expect(decideTransition(state('en_route'), 'transporting')).toEqual({ kind: 'illegal', reason: 'cannot be transporting before on_scene' });
    expect(decideTransition(state('dispatched'), 'back_in_service')).toMatchObject({ kind: 'illegal' });
  });

  it('judges the scene by its recorded step, so a late on_scene unblocks transport', () => {
    // The console set en_route; the tablet's older on_scene arrived late and was recorded.
    expect(decideTransition(state('en_route', ['on_scene']), 'transporting')).toEqual({ kind: 'advance' });
  });

  it('keeps a step the task is already past as record and fills its missing timestamp', () => {
    expect(decideTransition(state('on_scene'), 'acknowledged')).toEqual({ kind: 'late', fillsTimestamp: true });
    expect(decideTransition(state('on_scene', ['en_route']), 'en_route')).toEqual({ kind: 'late', fillsTimestamp: false });
  });

  it('keeps steps reported after a cancellation or a re-offer as history only', () => {
    expect(decideTransition(state('cancelled'), 'on_scene')).toEqual({ kind: 'late', fillsTimestamp: true });
    expect(decideTransition(state('timed_out'), 'acknowledged')).toEqual({ kind: 'late', fillsTimestamp: true });
  });

  it('refuses to cancel once the patient was handed over, or twice', () => {
    expect(decideTransition(state('handover', ['on_scene']), 'cancelled')).toMatchObject({ kind: 'illegal' });
    expect(decideTransition(state('cancelled'), 'cancelled')).toMatchObject({ kind: 'illegal' });
    expect(decideTransition(state('on_scene'), 'cancelled')).toEqual({ kind: 'advance' });
  });
});

describe('vehicleStateFor', () => {
  it('frees the vehicle when back in service and at base', () => {
    expect(vehicleStateFor('transporting')).toBe('busy');
    expect(vehicleStateFor('back_in_service')).toBe('returning');
    expect(vehicleStateFor('back_at_base')).toBe('available');
  });
});

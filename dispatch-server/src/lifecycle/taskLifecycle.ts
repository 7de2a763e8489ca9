import { taskRank, type TaskStatus, type VehicleState } from '@dispatch/protocol';

/** Column of `assignments` that records when each step happened. */
export const TIMESTAMP_COLUMN: Record<TaskStatus, string> = {
  dispatched: 'dispatched_at',
  acknowledged: 'acknowledged_at',
  en_route: 'en_route_at',
  on_scene: 'on_scene_at',
  at_patient: 'at_patient_at',
  transporting: 'transporting_at',
  at_hospital: 'at_hospital_at',
  handover: 'handover_at',
  back_in_service: 'back_in_service_at',
  back_at_base: 'back_at_base_at',
  cancelled: 'cancelled_at',
};


export interface AssignmentState {
  status: string;
  /** Device time of the step that set the current status. */
  statusTime: Date;
  timestamps: Partial<Record<TaskStatus, Date | null>>;
}

export type TransitionDecision =
  /** Moves the task forward to this step. */
  | { kind: 'advance' }
  /** An older report arriving late (offline replay): kept in the record, fills its timestamp if empty, status unchanged. */
  | { kind: 'late'; fillsTimestamp: boolean }
  | { kind: 'illegal'; reason: string };

/**
 * Decides what a status report does to a task. History is ordered by device time, never by receive time:
 * a report older than the current step is late, not a step backwards.
 */
export function decideTransition(current: AssignmentState, next: TaskStatus, deviceTime: Date): TransitionDecision {
  const fills = !current.timestamps[next];
  if (current.status === 'cancelled' || current.status === 'timed_out') {
    return deviceTime < current.statusTime
      ? { kind: 'late', fillsTimestamp: fills && next !== 'cancelled' }
      : { kind: 'illegal', reason: `the task was ${current.status.replace('_', ' ')}` };
  }
  if (next === 'cancelled') {
    if (taskRank(current.status) >= taskRank('handover')) {
      return { kind: 'illegal', reason: `cannot cancel after ${current.status}` };
    }
    return { kind: 'advance' };
  }
  const from = taskRank(current.status);
  const to = taskRank(next);
  if (to <= from) {
    if (deviceTime <= current.statusTime) return { kind: 'late', fillsTimestamp: fills };
    return { kind: 'illegal', reason: `cannot go back from ${current.status} to ${next}` };
  }
  if (deviceTime < current.statusTime) {
    // A later step stamped before the current one: the device clock or the crew is wrong; keep it as record only.
    return { kind: 'late', fillsTimestamp: fills };
  }
  // A patient cannot be transported, nor arrive at hospital, by a vehicle that never reached the scene.
  if (to >= taskRank('transporting') && to <= taskRank('handover') && from < taskRank('on_scene')) {
    return { kind: 'illegal', reason: `cannot be ${next} before on_scene` };
  }
  return { kind: 'advance' };
}

/** What the fleet board shows for a vehicle whose task is at this step. */
export function vehicleStateFor(status: string): VehicleState {
  if (status === 'back_in_service') return 'returning';
  if (status === 'back_at_base' || status === 'cancelled' || status === 'timed_out') return 'available';
  return 'busy';
}

/** Steps after which the vehicle is free for a new task (the assignment ends). */
export const RELEASES_VEHICLE: ReadonlySet<string> = new Set(['back_in_service', 'back_at_base', 'cancelled', 'timed_out']);

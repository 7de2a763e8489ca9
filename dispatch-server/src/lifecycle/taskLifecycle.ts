import { taskRank, type TaskStatus, type VehicleState } from '@dispatch/protocol';

export interface AssignmentState {
  status: string;
  timestamps: Partial<Record<TaskStatus, Date | null>>;
}

export type TransitionDecision =
  /** Moves the task forward to this step. */
  | { kind: 'advance' }
  /** A step the task is already past (an offline replay, a tap after the fact): kept in the record, fills its timestamp if empty. */
  | { kind: 'late'; fillsTimestamp: boolean }
  | { kind: 'illegal'; reason: string };

/**
 * Decides what a status report does to a task, by the order of the steps alone. Device clocks differ from the
 * server's and from each other, so times from different clocks are never compared here: a step beyond the
 * current one advances the task, a step at or before it is history. Steps a crew reported before learning that
 * its task was cancelled or re-offered are history too. What is refused: transport, arrival at hospital or
 * return to service without ever reaching the scene (the dispatch centre cancels a task not reached), and
 * cancelling what is finished.
 */
export function decideTransition(current: AssignmentState, next: TaskStatus): TransitionDecision {
  const ended = current.status === 'cancelled' || current.status === 'timed_out';
  if (next === 'cancelled') {
    if (ended) return { kind: 'illegal', reason: `the task was already ${current.status.replace('_', ' ')}` };
    if (taskRank(current.status) >= taskRank('handover')) return { kind: 'illegal', reason: `cannot cancel after ${current.status}` };
    return { kind: 'advance' };
  }
  const fillsTimestamp = !current.timestamps[next];
  if (ended || taskRank(next) <= taskRank(current.status)) return { kind: 'late', fillsTimestamp };
  if (taskRank(next) >= taskRank('transporting') && !current.timestamps.on_scene) {
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

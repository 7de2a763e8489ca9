/**
 * The steps of one vehicle's task in the order they happen (cancelled stands outside the order). The server
 * judges reports against it; the crew tablet and the console show steps in it. TaskStatus is these and `cancelled`.
 */
export const TASK_ORDER = [
  'dispatched', 'acknowledged', 'en_route', 'on_scene', 'at_patient', 'transporting', 'at_hospital', 'handover', 'back_in_service', 'back_at_base',
] as const;
export type OrderedTaskStatus = (typeof TASK_ORDER)[number];

/** Position of a step in TASK_ORDER; -1 for cancelled, timed out or unknown. */
export const taskRank = (status: string): number => TASK_ORDER.indexOf(status as OrderedTaskStatus);

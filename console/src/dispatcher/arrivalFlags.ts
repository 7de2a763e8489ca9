import { taskRank, type StatusEventDto } from '@dispatch/protocol';

/**
 * How each report reached the server, per task in arrival order: a step already reported (a second tablet, an
 * outbox replayed under a new id) is a repeat; a step arriving after a later one (a tablet that was offline) is out
 * of order. The server keeps both as record without moving the task back; the dispatcher should see which they are.
 */
export function arrivalFlags(events: readonly StatusEventDto[]): Map<string, 'repeat' | 'outOfOrder'> {
  const flags = new Map<string, 'repeat' | 'outOfOrder'>();
  const seen = new Map<string, { steps: Set<string>; highest: number }>();
  for (const e of [...events].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt))) {
    const rank = taskRank(e.status);
    if (!e.assignmentId || rank < 0) continue;
    const task = seen.get(e.assignmentId) ?? { steps: new Set<string>(), highest: -1 };
    seen.set(e.assignmentId, task);
    if (task.steps.has(e.status)) flags.set(e.id, 'repeat');
    else if (rank < task.highest) flags.set(e.id, 'outOfOrder');
    task.steps.add(e.status);
    task.highest = Math.max(task.highest, rank);
  }
  return flags;
}

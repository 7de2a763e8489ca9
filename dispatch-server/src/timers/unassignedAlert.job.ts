import { pushAlert } from '../alerts/alerts';
import type { DispatchContext } from '../dispatchContext';
import type { TimerJobs } from './timerJobs';

/** A call's waiting limit for its priority passed: the consoles sound the `unassigned` alert if it still has no vehicle. */
export async function unassignedAlert(ctx: DispatchContext, { incidentId }: TimerJobs['unassignedAlert']): Promise<void> {
  await pushAlert(ctx, incidentId, 'unassigned');
}

import type { DispatchContext } from '../dispatchContext';
import { queueTransfer } from '../transfers/queueTransfer';
import type { TimerJobs } from './timerJobs';

/** A scheduled transfer is due: it enters the dispatch queue (once; a cancelled one does not). */
export async function transferDue(ctx: DispatchContext, { transferId }: TimerJobs['transferDue']): Promise<void> {
  await queueTransfer(ctx, transferId);
}

import type { DispatchContext } from '../dispatchContext';
import { escalateNotice } from '../notices/notices';
import type { TimerJobs } from './timerJobs';

/** The hospital did not acknowledge the notice in time: the dispatchers are told to phone it. */
export async function noticeEscalation(ctx: DispatchContext, { noticeId }: TimerJobs['noticeEscalation']): Promise<void> {
  await escalateNotice(ctx, noticeId);
}

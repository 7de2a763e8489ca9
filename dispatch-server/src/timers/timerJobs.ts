/**
 * Every timer the dispatch centre runs, with its payload: the one place BullMQ job names are listed.
 * Each has one handler file beside this one.
 */
export interface TimerJobs {
  /** The crew did not acknowledge the assignment in time: re-offer the incident. */
  ackTimeout: { assignmentId: string };
  /** The hospital did not acknowledge the incoming-patient notice in time: escalate to the dispatchers. */
  noticeEscalation: { noticeId: string };
  /** A call waited its priority's limit (UNASSIGNED_ALERT_S): tell the consoles if it still has no vehicle. */
  unassignedAlert: { incidentId: string };
  /** An accepted transfer's scheduled time came: it enters the dispatch queue. */
  transferDue: { transferId: string };
}
export type TimerName = keyof TimerJobs;

/** One job per subject: scheduling twice is a no-op, cancelling targets exactly this job. */
export const timerJobId = (name: TimerName, subjectId: string) => `${name}__${subjectId}`;

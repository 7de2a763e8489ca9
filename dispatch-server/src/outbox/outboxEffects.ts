/**
 * Every side effect that must follow a committed change, with its payload: the one place outbox effect names
 * are listed. Each is written in the transaction of the change and delivered after the commit, at least once:
 * so a handler re-reads the committed state and does what it says (a delivery late or twice does no harm).
 */
export interface OutboxEffects {
  /** A vehicle was assigned: its crew gets the offer with the route, the acknowledgement timer starts, consoles are told. */
  'assignment.dispatched': { assignmentId: string };
  /** A task was cancelled or timed out: its crew is told, its timer stops, consoles see the vehicle free. */
  'assignment.withdrawn': { assignmentId: string; reason: string };
  /** The crew let the acknowledgement deadline pass: the incident goes to the next vehicle, or to the queue. */
  'incident.reoffered': { incidentId: string };
  /** The incident changed: the consoles get it again. */
  'incident.updated': { incidentId: string };
  /** A notice was sent, acknowledged, closed or escalated: its escalation timer follows, the hospital and consoles are told. */
  'notice.changed': { noticeId: string; event: 'notice.sent' | 'notice.updated' | 'notice.escalated' };
}
export type OutboxEffect = keyof OutboxEffects;

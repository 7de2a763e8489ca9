import { rooms } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { publishIncident } from '../incidents/incidents';
import { publishVehicle } from '../vehicles/publishVehicle';
import { buildOffer } from './assignVehicle';
import { presentAssignment } from './assignmentSql';

/**
 * Outbox effect of a dispatch: the crew gets its offer with the route and the acknowledgement timer starts,
 * both only while the task still waits for the crew (a late delivery after the crew answered or the task
 * ended only refreshes the consoles); the consoles see the task, the incident and the vehicle.
 */
export async function announceDispatch(ctx: DispatchContext, assignmentId: string): Promise<void> {
  const offer = await buildOffer(ctx, assignmentId, true);
  const { assignment } = offer;
  if (assignment.status === 'dispatched') {
    await ctx.timers.schedule('ackTimeout', { assignmentId }, assignmentId, Date.parse(offer.ackDeadline) - Date.now());
    ctx.events.publish(rooms.vehicle(assignment.vehicleId), 'assignment.offered', offer);
  }
  ctx.events.publish(rooms.centreStaff(assignment.centreId, assignment.helpFromCentreId), 'assignment.updated', assignment);
  await Promise.all([publishIncident(ctx, assignment.incidentId), publishVehicle(ctx, assignment.vehicleId, assignment.centreId)]);
}

/** Outbox effect of a task cancelled or timed out: its timer stops, its crew is told, the consoles see the vehicle. */
export async function announceWithdrawal(ctx: DispatchContext, assignmentId: string, reason: string): Promise<void> {
  await ctx.timers.cancel('ackTimeout', assignmentId);
  const assignment = await presentAssignment(ctx.db, assignmentId);
  ctx.events.publish(rooms.vehicle(assignment.vehicleId), 'assignment.withdrawn', { assignmentId, incidentId: assignment.incidentId, reason });
  ctx.events.publish(rooms.centreStaff(assignment.centreId, assignment.helpFromCentreId), 'assignment.updated', assignment);
  await publishVehicle(ctx, assignment.vehicleId, assignment.centreId);
}

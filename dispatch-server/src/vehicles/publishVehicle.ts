import { rooms } from '@dispatch/protocol';
import { staffRoomsOfVehicle } from '../centres/centres';
import type { DispatchContext } from '../dispatchContext';
import { getVehicle } from './vehicles';

/**
 * Announces a vehicle's current state to the dispatchers and to its own crew: those of its centre, of the centre its
 * live task serves (another centre's while it helps there, issue 15) and of `taskCentreId`, the centre of the task this
 * change is about (so the helped centre also hears the update that ends its task).
 */
export async function publishVehicle(ctx: DispatchContext, vehicleId: string, taskCentreId?: string): Promise<void> {
  const [vehicle, staff] = await Promise.all([getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds), staffRoomsOfVehicle(ctx.db, vehicleId, taskCentreId)]);
  ctx.events.publish([...staff, rooms.vehicle(vehicleId)], 'vehicle.updated', vehicle);
}

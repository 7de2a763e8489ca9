import { rooms } from '@dispatch/protocol';
import { staffRoomsOfVehicle } from '../centres/centres';
import type { DispatchContext, DispatchPolicy } from '../dispatchContext';
import { getVehicle } from './vehicles';

/**
 * Announces a vehicle's current state to the dispatchers and to its own crew: those of its centre, of the centre its
 * live task serves (another centre's while it helps there, issue 15) and of `alsoCentreId`: the centre of the task this
 * change is about (so the helped centre also hears the update that ends its task), or the centre a vehicle moved to
 * another centre's station leaves (its board drops a vehicle of another centre with no task, console connection.ts). The one-by-one commands and the
 * bulk import (which has no dispatch context, hence only what this reads) announce a vehicle through it alike.
 */
export async function publishVehicle(
  ctx: Pick<DispatchContext, 'db' | 'events'> & { policy: Pick<DispatchPolicy, 'staleAfterSeconds'> },
  vehicleId: string,
  alsoCentreId?: string,
): Promise<void> {
  const [vehicle, staff] = await Promise.all([getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds), staffRoomsOfVehicle(ctx.db, vehicleId, alsoCentreId)]);
  ctx.events.publish([...staff, rooms.vehicle(vehicleId)], 'vehicle.updated', vehicle);
}

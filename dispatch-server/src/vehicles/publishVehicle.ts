import { rooms } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import { getVehicle } from './vehicles';

/** Announces a vehicle's current state to the dispatchers and to its own crew. */
export async function publishVehicle(ctx: DispatchContext, vehicleId: string): Promise<void> {
  const vehicle = await getVehicle(ctx.db, vehicleId, ctx.policy.staleAfterSeconds);
  ctx.events.publish([...rooms.centreStaff(vehicle.centreId), rooms.vehicle(vehicleId)], 'vehicle.updated', vehicle);
}

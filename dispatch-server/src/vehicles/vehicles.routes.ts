import { centresOfVehicle } from '../centres/centres';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { authorize, readCentre } from '../policies/policies';
import { announceChange } from '../resources/announce';
import { publishVehicle } from './publishVehicle';
import { vehiclePage } from './vehiclePage';
import { createVehicle, getVehicle, listVehicles, updateVehicle } from './vehicles';

/**
 * The fleet's routes. Every change is pushed as the vehicle itself (the dispatchers' fleet boards and its crew)
 * and as a change notice (the administrators' lists); `devices` binds GPS devices (positions/), announced alike.
 */
export const vehicleHandlers = (
  ctx: DispatchContext,
  devices: Handlers<'bindVehicleDevice'>,
): Handlers<'listVehicles' | 'vehiclePage' | 'getVehicle' | 'createVehicle' | 'updateVehicle' | 'bindVehicleDevice'> => {
  const { db, policy, events } = ctx;
  const announce = async <T>(vehicleId: string, answer: T, previousCentreId?: string) => {
    await publishVehicle(ctx, vehicleId, previousCentreId);
    announceChange(events, 'vehicle', vehicleId);
    return answer;
  };
  return {
    listVehicles: (_request, { actor }) => listVehicles(db, policy.staleAfterSeconds, readCentre(actor.principal, 'vehicle.list')),
    vehiclePage: ({ query }) => vehiclePage(db, query, policy.staleAfterSeconds),
    getVehicle: async ({ params }, { actor }) => {
      authorize(actor.principal, 'vehicle.read', { vehicleId: params.id });
      const vehicle = await getVehicle(db, params.id, policy.staleAfterSeconds);
      // Its centre's, and while it helps on another centre's call that centre's too (issue 15).
      authorize(actor.principal, 'vehicle.read', { vehicleId: params.id, centreId: [vehicle.centreId, ...(await centresOfVehicle(db, params.id))] });
      return vehicle;
    },
    createVehicle: async ({ body }, { actor }) => {
      const vehicle = await createVehicle(db, actor, body, policy.staleAfterSeconds);
      return announce(vehicle.id, vehicle);
    },
    updateVehicle: async ({ params, body }, { actor }) => {
      // Moved to another centre's station, it leaves its centre's board: that centre is told too.
      const [previousCentreId] = await centresOfVehicle(db, params.id);
      return announce(params.id, await updateVehicle(db, actor, params.id, body, policy.staleAfterSeconds), previousCentreId);
    },
    bindVehicleDevice: async (request, context) => {
      const binding = await devices.bindVehicleDevice(request, context);
      return announce(request.params.id, binding);
    },
  };
};

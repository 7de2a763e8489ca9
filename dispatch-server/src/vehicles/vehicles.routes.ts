import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { authorize } from '../policies/policies';
import { createVehicle, getVehicle, listVehicles, updateVehicle } from './vehicles';

export const vehicleHandlers = ({ db, policy }: DispatchContext): Handlers<'listVehicles' | 'getVehicle' | 'createVehicle' | 'updateVehicle'> => ({
  listVehicles: () => listVehicles(db, policy.staleAfterSeconds),
  getVehicle: ({ params }, { actor }) => {
    authorize(actor.principal, 'vehicle.read', { vehicleId: params.id });
    return getVehicle(db, params.id, policy.staleAfterSeconds);
  },
  createVehicle: ({ body }, { actor }) => createVehicle(db, actor, body, policy.staleAfterSeconds),
  updateVehicle: ({ params, body }, { actor }) => updateVehicle(db, actor, params.id, body, policy.staleAfterSeconds),
});

import type { ResourceKind } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { announceChange } from './announce';
import { deleteResource } from './deleteResource';

/** DELETE for the fleet and network resources (admin; supervisors for crew members and shifts), announced to open lists. */
export const resourceDeleteHandlers = ({ db, events }: DispatchContext): Handlers<'deleteStation' | 'deleteVehicle' | 'deleteHospital' | 'deleteCrewMember' | 'deleteShift'> => {
  const remove = async (table: Parameters<typeof deleteResource>[2], kind: ResourceKind, id: string, actor: Parameters<typeof deleteResource>[1]) => {
    await deleteResource(db, actor, table, id);
    announceChange(events, kind, id, true);
  };
  return {
    deleteStation: ({ params }, { actor }) => remove('stations', 'station', params.id, actor),
    deleteVehicle: ({ params }, { actor }) => remove('vehicles', 'vehicle', params.id, actor),
    deleteHospital: ({ params }, { actor }) => remove('hospitals', 'hospital', params.id, actor),
    deleteCrewMember: ({ params }, { actor }) => remove('crew_members', 'crewMember', params.id, actor),
    deleteShift: ({ params }, { actor }) => remove('shifts', 'shift', params.id, actor),
  };
};

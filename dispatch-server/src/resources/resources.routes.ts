import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { deleteResource } from './deleteResource';

/** DELETE for the fleet and network resources (admin; supervisors for crew members and shifts). */
export const resourceDeleteHandlers = (db: Db): Handlers<'deleteStation' | 'deleteVehicle' | 'deleteHospital' | 'deleteCrewMember' | 'deleteShift'> => ({
  deleteStation: ({ params }, { actor }) => deleteResource(db, actor, 'stations', params.id),
  deleteVehicle: ({ params }, { actor }) => deleteResource(db, actor, 'vehicles', params.id),
  deleteHospital: ({ params }, { actor }) => deleteResource(db, actor, 'hospitals', params.id),
  deleteCrewMember: ({ params }, { actor }) => deleteResource(db, actor, 'crew_members', params.id),
  deleteShift: ({ params }, { actor }) => deleteResource(db, actor, 'shifts', params.id),
});

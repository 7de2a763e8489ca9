import { rooms } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { authorize, readCentre } from '../policies/policies';
import { announceChange } from '../resources/announce';
import { hospitalPage } from './hospitalPage';
import { createHospital, getHospital, listHospitals, setHospitalLoad, updateHospital } from './hospitals';

// Hospital list and load are not patient data: every logged-in role may read them (crews pick destinations).
export const hospitalHandlers = ({
  db,
  events,
}: DispatchContext): Handlers<'listHospitals' | 'hospitalPage' | 'getHospital' | 'createHospital' | 'updateHospital' | 'setHospitalLoad'> => {
  // The dispatchers' maps draw hospitals by load: they get the hospital itself, the lists fetch their page again.
  const announce = (hospital: Awaited<ReturnType<typeof getHospital>>) => {
    events.publish(rooms.centreStaff(hospital.centreId), 'hospital.updated', hospital);
    announceChange(events, 'hospital', hospital.id);
    return hospital;
  };
  return {
    listHospitals: (_request, { actor }) => listHospitals(db, readCentre(actor.principal, 'hospital.read')),
    hospitalPage: ({ query }) => hospitalPage(db, query),
    getHospital: async ({ params }, { actor }) => {
      const hospital = await getHospital(db, params.id);
      authorize(actor.principal, 'hospital.read', { centreId: hospital.centreId });
      return hospital;
    },
    createHospital: async ({ body }, { actor }) => announce(await createHospital(db, actor, body)),
    updateHospital: async ({ params, body }, { actor }) => announce(await updateHospital(db, actor, params.id, body)),
    setHospitalLoad: async ({ params, body }, { actor }) => {
      const hospital = await setHospitalLoad(db, events, actor, params.id, body);
      announceChange(events, 'hospital', hospital.id);
      return hospital;
    },
  };
};

import { rooms } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
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
    events.publish(rooms.dispatchers, 'hospital.updated', hospital);
    announceChange(events, 'hospital', hospital.id);
    return hospital;
  };
  return {
    listHospitals: () => listHospitals(db),
    hospitalPage: ({ query }) => hospitalPage(db, query),
    getHospital: ({ params }) => getHospital(db, params.id),
    createHospital: async ({ body }, { actor }) => announce(await createHospital(db, actor, body)),
    updateHospital: async ({ params, body }, { actor }) => announce(await updateHospital(db, actor, params.id, body)),
    setHospitalLoad: async ({ params, body }, { actor }) => {
      const hospital = await setHospitalLoad(db, events, actor, params.id, body);
      announceChange(events, 'hospital', hospital.id);
      return hospital;
    },
  };
};

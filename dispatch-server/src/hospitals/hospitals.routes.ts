import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { createHospital, getHospital, listHospitals, setHospitalLoad, updateHospital } from './hospitals';

// Hospital list and load are not patient data: every logged-in role may read them (crews pick destinations).
export const hospitalHandlers = ({
  db,
  events,
}: DispatchContext): Handlers<'listHospitals' | 'getHospital' | 'createHospital' | 'updateHospital' | 'setHospitalLoad'> => ({
  listHospitals: () => listHospitals(db),
  getHospital: ({ params }) => getHospital(db, params.id),
  createHospital: ({ body }, { actor }) => createHospital(db, actor, body),
  updateHospital: ({ params, body }, { actor }) => updateHospital(db, actor, params.id, body),
  setHospitalLoad: ({ params, body }, { actor }) => setHospitalLoad(db, events, actor, params.id, body),
});

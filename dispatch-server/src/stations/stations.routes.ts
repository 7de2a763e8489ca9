import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { createStation, getStation, listStations, updateStation } from './stations';

export const stationHandlers = (db: Db): Handlers<'listStations' | 'getStation' | 'createStation' | 'updateStation'> => ({
  listStations: () => listStations(db),
  getStation: ({ params }) => getStation(db, params.id),
  createStation: ({ body }, { actor }) => createStation(db, actor, body),
  updateStation: ({ params, body }, { actor }) => updateStation(db, actor, params.id, body),
});

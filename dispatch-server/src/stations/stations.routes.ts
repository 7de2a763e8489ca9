import { rooms } from '@dispatch/protocol';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { announceChange } from '../resources/announce';
import { stationPage } from './stationPage';
import { createStation, getStation, listStations, updateStation } from './stations';

export const stationHandlers = ({ db, events }: DispatchContext): Handlers<'listStations' | 'stationPage' | 'getStation' | 'createStation' | 'updateStation'> => {
  // The dispatchers' maps draw stations: they get the station itself, the lists fetch their page again.
  const announce = (station: Awaited<ReturnType<typeof getStation>>) => {
    events.publish(rooms.dispatchers, 'station.updated', station);
    announceChange(events, 'station', station.id);
    return station;
  };
  return {
    listStations: () => listStations(db),
    stationPage: ({ query }) => stationPage(db, query),
    getStation: ({ params }) => getStation(db, params.id),
    createStation: async ({ body }, { actor }) => announce(await createStation(db, actor, body)),
    updateStation: async ({ params, body }, { actor }) => announce(await updateStation(db, actor, params.id, body)),
  };
};

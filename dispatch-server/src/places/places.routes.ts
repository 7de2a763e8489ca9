import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { reverseGeocode, searchPlaces } from './places';

export const placeHandlers = (db: Db): Handlers<'searchPlaces' | 'reverseGeocode'> => ({
  searchPlaces: ({ query }) => searchPlaces(db, query.q, query.limit, query.near),
  reverseGeocode: ({ query }) => reverseGeocode(db, query.at),
});

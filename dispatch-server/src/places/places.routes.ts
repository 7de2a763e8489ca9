import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { searchPlaces } from './places';

export const placeHandlers = (db: Db): Handlers<'searchPlaces'> => ({
  searchPlaces: ({ query }) => searchPlaces(db, query.q, query.limit),
});

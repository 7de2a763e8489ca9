import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { listCentres } from './centres';

/** The centres' names are not personal: every login reads them (the console's header, the province's centre filter). */
export const centreHandlers = (db: Db): Handlers<'listCentres'> => ({
  listCentres: () => listCentres(db),
});

import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { getIncident } from '../incidents/incidents';
import { presentEido, presentETimes } from './incidentExports';
import { qualityIndicators } from './qualityIndicators';

export const reportHandlers = (db: Db): Handlers<'qualityReport' | 'getEtimes' | 'getEido'> => ({
  qualityReport: ({ query }) => qualityIndicators(db, query),
  getEtimes: async ({ params }) => presentETimes(await getIncident(db, params.id)),
  getEido: async ({ params }, { req }) => {
    const centre = { name: '120 急救指挥中心', uri: `${req.protocol}://${req.get('host')}` };
    return presentEido(await getIncident(db, params.id), centre);
  },
});

import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { getIncident } from '../incidents/incidents';
import { presentEido, presentETimes } from './incidentExports';
import { incidentTrack, searchIncidents } from './incidentSearch';
import { qualityIndicators } from './qualityIndicators';
import { exportResponseTimes, responseTimeBreakdown } from './responseTimes';

export const reportHandlers = (
  db: Db,
): Handlers<'qualityReport' | 'getEtimes' | 'getEido' | 'responseTimes' | 'exportResponseTimes' | 'searchIncidents' | 'getIncidentTrack'> => ({
  qualityReport: ({ query }) => qualityIndicators(db, query),
  getEtimes: async ({ params }) => presentETimes(await getIncident(db, params.id)),
  getEido: async ({ params }, { req }) => {
    const centre = { name: '120 急救指挥中心', uri: `${req.protocol}://${req.get('host')}` };
    return presentEido(await getIncident(db, params.id), centre);
  },
  responseTimes: ({ query }) => responseTimeBreakdown(db, query),
  exportResponseTimes: async ({ query }, { res }) => {
    const file = await exportResponseTimes(db, query);
    res.status(200).type(file.contentType).attachment(file.filename).send(file.body);
  },
  searchIncidents: ({ query }) => searchIncidents(db, query),
  getIncidentTrack: ({ params }) => incidentTrack(db, params.id),
});

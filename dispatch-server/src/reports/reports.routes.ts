import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { incidentFor } from '../incidents/incidents';
import { readCentre } from '../policies/policies';
import { presentEido, presentETimes } from './incidentExports';
import { incidentTrack, searchIncidents } from './incidentSearch';
import { qualityIndicators } from './qualityIndicators';
import { exportResponseTimes, responseTimeBreakdown } from './responseTimes';

export const reportHandlers = (
  db: Db,
): Handlers<'qualityReport' | 'getEtimes' | 'getEido' | 'responseTimes' | 'exportResponseTimes' | 'searchIncidents' | 'getIncidentTrack'> => ({
  // A centre's supervisor reports on its centre's calls; the province's on all.
  qualityReport: ({ query }, { actor }) => qualityIndicators(db, query, readCentre(actor.principal, 'report.read')),
  // An incident's records are read as the incident is (its centre, a helping one's, the province): policies.ts.
  getEtimes: async ({ params }, { actor }) => presentETimes(await incidentFor(db, actor.principal, 'incident.read', params.id)),
  getEido: async ({ params }, { req, actor }) => {
    const centre = { name: '120 急救指挥中心', uri: `${req.protocol}://${req.get('host')}` };
    return presentEido(await incidentFor(db, actor.principal, 'incident.read', params.id), centre);
  },
  responseTimes: ({ query }, { actor }) => responseTimeBreakdown(db, query, readCentre(actor.principal, 'report.read')),
  exportResponseTimes: async ({ query }, { res, actor }) => {
    const file = await exportResponseTimes(db, query, readCentre(actor.principal, 'report.read'));
    res.status(200).type(file.contentType).attachment(file.filename).send(file.body);
  },
  searchIncidents: ({ query }, { actor }) => searchIncidents(db, query, readCentre(actor.principal, 'incident.search')),
  getIncidentTrack: async ({ params }, { actor }) => incidentTrack(db, (await incidentFor(db, actor.principal, 'incident.read', params.id)).id),
});

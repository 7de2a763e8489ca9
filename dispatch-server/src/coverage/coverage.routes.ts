import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { catchments, coverageSummary, isochroneLayer } from './coverage';

export const coverageHandlers = (db: Db, graphs: GraphRegistry): Handlers<'catchments' | 'isochrones' | 'coverageSummary'> => ({
  catchments: ({ query }) => catchments(db, graphs, query),
  isochrones: ({ query }) => isochroneLayer(db, graphs, query),
  coverageSummary: ({ query }) => coverageSummary(db, graphs, query),
});

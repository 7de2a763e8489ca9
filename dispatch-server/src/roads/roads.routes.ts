import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { activeRoadRegion, roadsInBbox } from './roads';

/** The map's own road layer, for when no tile server can be reached. */
export const roadHandlers = (db: Db, region?: string): Handlers<'roadRegion' | 'roads'> => ({
  roadRegion: async () => {
    const { networkId: _networkId, ...presented } = await activeRoadRegion(db, region);
    return presented;
  },
  roads: async ({ query }, { res }) => {
    // Roads change only on a re-import; a short private cache spares panning back and forth.
    res.set('cache-control', 'private, max-age=60');
    return roadsInBbox(db, query, region);
  },
});

import type { Redis } from 'ioredis';
import type { Db } from '@dispatch/db';
import { Reply, type Handlers } from '../http/mountRoutes';
import { checkHealth } from './checkHealth';

// Public on purpose: load balancers and `npm start` poll it. It reveals versions only.
/** @param readDb the reports' replica pool, when DATABASE_READ_URL is set (reported, never a 503) */
export const healthHandlers = (db: Db, redis: Redis, readDb?: Db): Handlers<'health'> => ({
  health: async () => {
    const report = await checkHealth(db, redis, readDb);
    return report.ok ? report : new Reply(503, report);
  },
});

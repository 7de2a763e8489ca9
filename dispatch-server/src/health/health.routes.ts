import type { Redis } from 'ioredis';
import type { Db } from '@dispatch/db';
import { Reply, type Handlers } from '../http/mountRoutes';
import { checkHealth } from './checkHealth';

// Public on purpose: load balancers and `npm start` poll it. It reveals versions only.
export const healthHandlers = (db: Db, redis: Redis): Handlers<'health'> => ({
  health: async () => {
    const report = await checkHealth(db, redis);
    return report.ok ? report : new Reply(503, report);
  },
});

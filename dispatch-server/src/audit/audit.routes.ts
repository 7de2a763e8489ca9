import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { listAudit } from './audit';

export const auditHandlers = (db: Db): Handlers<'audit'> => ({
  audit: ({ query }) => listAudit(db, query),
});

import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { createCrewMember, createShift, listCrewMembers, listShifts } from './crews';

export const crewHandlers = (db: Db): Handlers<'listCrewMembers' | 'createCrewMember' | 'listShifts' | 'createShift'> => ({
  listCrewMembers: () => listCrewMembers(db),
  createCrewMember: ({ body }, { actor }) => createCrewMember(db, actor, body),
  listShifts: ({ query }) => listShifts(db, query.at),
  createShift: ({ body }, { actor }) => createShift(db, actor, body),
});

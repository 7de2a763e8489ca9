import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { announced } from '../resources/announce';
import { crewMemberPage } from './crewMemberPage';
import { createCrewMember, createShift, listCrewMembers, listShifts } from './crews';

export const crewHandlers = ({ db, events }: DispatchContext): Handlers<'listCrewMembers' | 'crewMemberPage' | 'createCrewMember' | 'listShifts' | 'createShift'> => ({
  listCrewMembers: () => listCrewMembers(db),
  crewMemberPage: ({ query }) => crewMemberPage(db, query),
  createCrewMember: ({ body }, { actor }) => announced(events, 'crewMember', createCrewMember(db, actor, body)),
  listShifts: ({ query }) => listShifts(db, query),
  createShift: ({ body }, { actor }) => announced(events, 'shift', createShift(db, actor, body)),
});

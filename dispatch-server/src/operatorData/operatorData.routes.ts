import type { Db } from '@dispatch/db';
import type { Publisher } from '../realtime/publisher';
import type { Handlers } from '../http/mountRoutes';
import { listCategoryRequirements, listRoadClassSpeeds, updateCategoryRequirement, updateRoadClassSpeeds } from './operatorData';

export const operatorDataHandlers = (
  db: Db,
  events: Publisher,
  /** Tells the other server processes to forget their copy of the category table. */
  tellPeers: () => void,
): Handlers<'listRoadClassSpeeds' | 'updateRoadClassSpeeds' | 'listCategoryRequirements' | 'updateCategoryRequirement'> => ({
  listRoadClassSpeeds: () => listRoadClassSpeeds(db),
  updateRoadClassSpeeds: ({ body }, { actor }) => updateRoadClassSpeeds(db, events, actor, body),
  listCategoryRequirements: () => listCategoryRequirements(db),
  updateCategoryRequirement: ({ body }, { actor }) => updateCategoryRequirement(db, events, tellPeers, actor, body),
});

import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { listCategoryRequirements, listRoadClassSpeeds, updateCategoryRequirement, updateRoadClassSpeeds } from './operatorData';

export const operatorDataHandlers = (
  db: Db,
): Handlers<'listRoadClassSpeeds' | 'updateRoadClassSpeeds' | 'listCategoryRequirements' | 'updateCategoryRequirement'> => ({
  listRoadClassSpeeds: () => listRoadClassSpeeds(db),
  updateRoadClassSpeeds: ({ body }, { actor }) => updateRoadClassSpeeds(db, actor, body),
  listCategoryRequirements: () => listCategoryRequirements(db),
  updateCategoryRequirement: ({ body }, { actor }) => updateCategoryRequirement(db, actor, body),
});

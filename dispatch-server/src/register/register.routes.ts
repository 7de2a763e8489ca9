import type { Db } from '@dispatch/db';
import type { Handlers } from '../http/mountRoutes';
import { readUploadedFile } from '../http/uploadedFile';
import { importRegister } from './registerImport';
import { assignmentRegister, incidentRegister, listFollowUps, markFollowUpsSent, matchRegister, noticeCareFlags, residentPage } from './registerReads';

type RegisterRoutes =
  | 'importRegister' | 'residentPage' | 'matchRegister' | 'getIncidentRegister' | 'getAssignmentRegister' | 'getNoticeCareFlags'
  | 'listRegisterFollowUps' | 'markRegisterFollowUpsSent';

/** A county's register export is a few MB at most. */
const MAX_BYTES = 5 * 1024 * 1024;

export const registerHandlers = (db: Db): Handlers<RegisterRoutes> => ({
  importRegister: async ({ query }, { req, actor }) => importRegister(db, actor, query.format, await readUploadedFile(req, MAX_BYTES, 'text/csv, application/fhir+json')),
  residentPage: ({ query }, { actor }) => residentPage(db, actor, query),
  matchRegister: ({ body }, { actor }) => matchRegister(db, actor, body),
  getIncidentRegister: ({ params }, { actor }) => incidentRegister(db, actor, params.id),
  getAssignmentRegister: ({ params }, { actor }) => assignmentRegister(db, actor, params.id),
  getNoticeCareFlags: ({ params }, { actor }) => noticeCareFlags(db, actor, params.id),
  listRegisterFollowUps: ({ query }, { actor }) => listFollowUps(db, actor, query),
  markRegisterFollowUpsSent: ({ body }, { actor }) => markFollowUpsSent(db, actor, body),
});

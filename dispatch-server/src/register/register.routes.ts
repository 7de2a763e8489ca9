import type { Request } from 'express';
import type { Db } from '@dispatch/db';
import { HttpError } from '../http/errors';
import type { Handlers } from '../http/mountRoutes';
import { importRegister } from './registerImport';
import { assignmentRegister, incidentRegister, listFollowUps, markFollowUpsSent, matchRegister, noticeCareFlags, residentPage } from './registerReads';

type RegisterRoutes =
  | 'importRegister' | 'residentPage' | 'matchRegister' | 'getIncidentRegister' | 'getAssignmentRegister' | 'getNoticeCareFlags'
  | 'listRegisterFollowUps' | 'markRegisterFollowUpsSent';

const MAX_BYTES = 5 * 1024 * 1024;

/** The uploaded file's bytes (CSV, or a FHIR Bundle as application/fhir+json or octet-stream); a form or plain JSON is refused. */
async function fileOf(req: Request): Promise<Buffer> {
  const type = String(req.headers['content-type'] ?? '');
  if (/^(application\/(json|x-www-form-urlencoded)|multipart\/)/.test(type)) {
    throw new HttpError(415, `body: send the file itself (text/csv, application/fhir+json), not ${type.split(';')[0]}`);
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BYTES) throw new HttpError(413, 'body: the file is larger than 5 MB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BYTES) throw new HttpError(413, 'body: the file is larger than 5 MB');
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'body: the file is empty');
  return Buffer.concat(chunks);
}

export const registerHandlers = (db: Db): Handlers<RegisterRoutes> => ({
  importRegister: async ({ query }, { req, actor }) => importRegister(db, actor, query.format, await fileOf(req)),
  residentPage: ({ query }, { actor }) => residentPage(db, actor, query),
  matchRegister: ({ body }, { actor }) => matchRegister(db, actor, body),
  getIncidentRegister: ({ params }, { actor }) => incidentRegister(db, actor, params.id),
  getAssignmentRegister: ({ params }, { actor }) => assignmentRegister(db, actor, params.id),
  getNoticeCareFlags: ({ params }, { actor }) => noticeCareFlags(db, actor, params.id),
  listRegisterFollowUps: ({ query }, { actor }) => listFollowUps(db, actor, query),
  markRegisterFollowUpsSent: ({ body }, { actor }) => markFollowUpsSent(db, actor, body),
});

import type { BulkFormat } from '@dispatch/protocol';
import type { Request } from 'express';
import { HttpError } from '../http/errors';
import type { Handlers } from '../http/mountRoutes';
import { type BulkDeps, commitBulkImport, exportBulk, previewBulkImport } from './bulkImport';

/** A county's files are kilobytes; a few MB is a wrong file. */
const MAX_BYTES = 5 * 1024 * 1024;
const NOT_A_FILE = /^(application\/(json|x-www-form-urlencoded)|multipart\/)/;

/** The request's body as it came (the file's bytes), refused past MAX_BYTES or when it is a form or JSON. */
async function fileOf(req: Request): Promise<Buffer> {
  const type = String(req.headers['content-type'] ?? '');
  if (NOT_A_FILE.test(type)) throw new HttpError(415, `body: send the file itself (text/csv or xlsx), not ${type.split(';')[0]}`);
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

export const bulkHandlers = (deps: BulkDeps): Handlers<'previewBulkImport' | 'commitBulkImport' | 'exportBulk'> => ({
  previewBulkImport: async ({ query }, { req, actor }) => previewBulkImport(deps, actor, query.kind, query.format, await fileOf(req)),
  commitBulkImport: async ({ query }, { req, actor }) => commitBulkImport(deps, actor, query.kind, query.format, await fileOf(req)),
  exportBulk: async ({ query }, { res }) => {
    const file = await exportBulk(deps, query.kind, query.format as BulkFormat, query.lang);
    res
      .status(200)
      .type(file.mediaType)
      .set('content-disposition', `attachment; filename="${file.fileName}"`)
      .set('cache-control', 'no-store')
      .send(file.data);
  },
});

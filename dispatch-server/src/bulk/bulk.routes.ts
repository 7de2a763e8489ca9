import type { BulkFormat } from '@dispatch/protocol';
import type { Handlers } from '../http/mountRoutes';
import { readUploadedFile } from '../http/uploadedFile';
import { type BulkDeps, commitBulkImport, exportBulk, previewBulkImport } from './bulkImport';

/** A county's files are kilobytes; a few MB is a wrong file. */
const MAX_BYTES = 5 * 1024 * 1024;
const fileOf = (req: Parameters<typeof readUploadedFile>[0]) => readUploadedFile(req, MAX_BYTES, 'text/csv or xlsx');

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

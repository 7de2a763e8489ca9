import type { Request } from 'express';
import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import { HttpError } from '../http/errors';
import { Reply, type Handlers } from '../http/mountRoutes';
import {
  addConsultationAttachment,
  getConsultation,
  getNoticeConsultation,
  readConsultationAttachment,
  sendConsultationText,
  type UploadedFile,
} from './consultations';

const DOWNLOAD_EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' } as const;

/**
 * The request's declared type, and its body as it came (the file's bytes) when the command asks, refused past
 * `maxBytes` (413) before reading when the length is declared, else as soon as it is passed. A JSON or form body
 * (read by the JSON parser already) is refused for its type (415) before that.
 */
function fileOf(req: Request, maxBytes: number): UploadedFile {
  const tooLarge = () => new HttpError(413, `body: the file is larger than ${maxBytes / 1024 / 1024} MB`);
  return {
    declaredType: String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
    async read() {
      if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    },
  };
}

/** @param maxBytes the largest attachment (config CONSULTATION_ATTACHMENT_MAX_MB) */
export const consultationHandlers = (
  ctx: DispatchContext,
  maxBytes: number,
): Handlers<'getConsultation' | 'getNoticeConsultation' | 'sendConsultationText' | 'uploadConsultationAttachment' | 'getConsultationAttachment'> => ({
  getConsultation: ({ params }, { req }) => getConsultation(ctx, principalOf(req), params.id),
  getNoticeConsultation: ({ params }, { req }) => getNoticeConsultation(ctx, principalOf(req), params.id),
  sendConsultationText: async ({ params, body }, { req }) => {
    const { entry, created } = await sendConsultationText(ctx, principalOf(req), params.id, body);
    return created ? entry : new Reply(200, entry);
  },
  uploadConsultationAttachment: async ({ params, query }, { req }) => {
    const { entry, created } = await addConsultationAttachment(ctx, principalOf(req), params.id, query, fileOf(req, maxBytes));
    return created ? entry : new Reply(200, entry);
  },
  getConsultationAttachment: async ({ params }, { req, res }) => {
    const file = await readConsultationAttachment(ctx, principalOf(req), params.id);
    // The stored type was checked against the bytes; the name is the entry's, never the sender's (no header injection).
    res
      .status(200)
      .type(file.mediaType)
      .set('x-content-type-options', 'nosniff')
      .set('content-disposition', `${file.mediaType === 'application/pdf' ? 'attachment' : 'inline'}; filename="consultation-${params.id}.${DOWNLOAD_EXTENSIONS[file.mediaType]}"`)
      .set('cache-control', 'private, no-store')
      .set('content-security-policy', "default-src 'none'; sandbox")
      .send(file.content);
  },
});

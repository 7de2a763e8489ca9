import type { Request } from 'express';
import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import { Reply, type Handlers } from '../http/mountRoutes';
import { readUploadedFile } from '../http/uploadedFile';
import {
  addConsultationAttachment,
  getConsultation,
  getNoticeConsultation,
  readConsultationAttachment,
  sendConsultationText,
  type UploadedFile,
} from './consultations';

const DOWNLOAD_EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' } as const;

/** The request's declared type, and its body (the file's bytes) when the command asks for it. */
function fileOf(req: Request, maxBytes: number): UploadedFile {
  return {
    declaredType: String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
    read: () => readUploadedFile(req, maxBytes, 'JPEG, PNG or PDF'),
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

import { z } from 'zod';
import { Timestamp } from './domain';
import { Vitals } from './incidents';
import { text } from './validation';

/** The longest message or caption of a consultation, in characters. */
export const CONSULTATION_TEXT_MAX_CHARS = 1000;

/** The only files a consultation takes: photos of an ECG strip or a document, and PDFs. */
export const CONSULTATION_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export const ConsultationMediaType = z.enum(CONSULTATION_MEDIA_TYPES);
export type ConsultationMediaType = z.infer<typeof ConsultationMediaType>;

/** Who wrote an entry: the crew of the task, the receiving hospital's doctor, or the dispatch centre. */
export const ConsultationSide = z.enum(['crew', 'hospital', 'dispatch']);
export type ConsultationSide = z.infer<typeof ConsultationSide>;

export const ConsultationEntryKind = z.enum(['text', 'vitals', 'attachment']);
export type ConsultationEntryKind = z.infer<typeof ConsultationEntryKind>;

/** A message (or a doctor's answer) to a patient's consultation. */
export const SendConsultationTextRequest = z.object({
  /** The sender's own id: a retry stores the entry once. */
  entryId: z.uuid(),
  text: text(CONSULTATION_TEXT_MAX_CHARS).trim().min(1),
  /** The entry this answers (a doctor answering the crew's question). */
  replyTo: z.uuid().optional(),
  deviceTime: Timestamp.optional(),
});
export type SendConsultationTextRequest = z.input<typeof SendConsultationTextRequest>;

/** The query of an attachment upload; the body is the file itself (image/jpeg, image/png or application/pdf). */
export const ConsultationUploadQuery = z.object({
  /** The sender's own id, to make a retried upload store the file once; the server picks one when absent. */
  entryId: z.uuid().optional(),
  /** The file's name as the sender knows it, shown as text only. */
  fileName: text(200).trim().min(1).optional(),
  caption: text(CONSULTATION_TEXT_MAX_CHARS).trim().min(1).optional(),
  deviceTime: Timestamp.optional(),
});
export type ConsultationUploadQuery = z.input<typeof ConsultationUploadQuery>;

export const ConsultationAttachmentDto = z.object({
  mediaType: ConsultationMediaType,
  byteSize: z.number().int(),
  fileName: z.string().nullable(),
  /** Where authorised readers fetch it (with their bearer token), under this server. */
  url: z.string(),
});
export type ConsultationAttachmentDto = z.infer<typeof ConsultationAttachmentDto>;

export const ConsultationEntryDto = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  assignmentId: z.uuid(),
  side: ConsultationSide,
  /** The login's display name or username. */
  author: z.string().nullable(),
  /** For a hospital's entry: which hospital wrote it. */
  hospitalName: z.string().nullable(),
  kind: ConsultationEntryKind,
  text: z.string().nullable(),
  replyTo: z.uuid().nullable(),
  vitals: Vitals.nullable(),
  attachment: ConsultationAttachmentDto.nullable(),
  deviceTime: z.string(),
  receivedAt: z.string(),
});
export type ConsultationEntryDto = z.infer<typeof ConsultationEntryDto>;

/** A patient's consultation: the task, its receiving hospital now, and every entry oldest first. */
export const ConsultationDto = z.object({
  assignmentId: z.uuid(),
  incidentId: z.uuid(),
  incidentNumber: z.number().int(),
  vehicleCallSign: z.string(),
  hospitalId: z.uuid().nullable(),
  hospitalName: z.string().nullable(),
  /** Entries may still be added (the task has not ended). */
  open: z.boolean(),
  entries: z.array(ConsultationEntryDto),
});
export type ConsultationDto = z.infer<typeof ConsultationDto>;

import { dtoRow, sqlFile } from '@dispatch/db';
import { CallerHistoryEntryDto, PhoneCallDto, RelatedReason } from '@dispatch/protocol';
import { z } from 'zod';

const nullableText = z.string().nullable();
const nullableNumber = z.number().nullable();
export const telephonySql = sqlFile(new URL('./telephony.sql', import.meta.url), {
  lockByPbxId: { params: z.object({ pbxCallId: z.string() }), row: z.object({ id: z.string() }) },
  record: {
    params: z.object({
      pbxCallId: z.string(), lineId: z.string(), callerPhone: nullableText, event: z.string(), at: z.string(),
      lon: nullableNumber, lat: nullableNumber, radiusM: nullableNumber, source: nullableText, locationAt: nullableText,
      confidence: nullableNumber, recordingRef: nullableText,
    }),
    row: z.object({ id: z.string() }),
  },
  present: {
    params: z.object({ ids: z.array(z.string()).nullable(), incidentId: nullableText, minutes: nullableNumber, centreId: nullableText.default(null) }),
    row: dtoRow(PhoneCallDto),
  },
  lockForLink: {
    params: z.object({ id: z.string() }),
    row: z.object({
      id: z.string(), centre_id: z.string(), caller_phone: nullableText, ringing_at: z.date().nullable(), answered_at: z.date().nullable(),
      incident_id: nullableText, incident_link: nullableText, incident_number: z.coerce.number().nullable(),
    }),
  },
  link: { params: z.object({ id: z.string(), incidentId: z.string(), link: z.enum(['created', 'follow_up']), userId: nullableText }) },
  followUpEvent: { params: z.object({ incidentId: z.string(), phoneCallId: z.string() }), row: z.object({ id: z.string() }) },
  related: {
    params: z.object({
      callerPhone: nullableText, lon: nullableNumber, lat: nullableNumber, radiusM: nullableNumber, address: nullableText,
      placeName: nullableText, excludeId: nullableText, nearbyM: z.number(), nearbyMinutes: z.number(), centreId: nullableText,
    }),
    row: z.object({ id: z.string(), reasons: z.array(RelatedReason), distanceM: nullableNumber }),
  },
  lateAnswer: { params: z.object({ id: z.string() }), row: z.object({ id: z.string() }) },
  history: { params: z.object({ callerPhone: z.string(), excludeId: nullableText, centreId: nullableText }), row: dtoRow(CallerHistoryEntryDto) },
});

import type { IncidentCategory, PriorityGroup } from '@dispatch/protocol';

/** The call being taken, as the intake form and the phone pop-up fill it in. */
export interface Draft {
  location: { lon: number; lat: number } | null;
  placeName: string | null;
  address: string;
  callerPhone: string;
  /** None until the dispatcher chooses: a default would be sent unread (chest pain for every call). */
  category: IncidentCategory | null;
  priority: number;
  patientSummary: string;
  priorityGroups: PriorityGroup[];
  /** Idempotency key of this call: a retried submit cannot create a second incident. */
  key: string;
  /** The phone system's call being taken, if it came through it: its times and number are the record. */
  phoneCallId: string | null;
}

export const emptyDraft = (): Draft => ({
  location: null,
  placeName: null,
  address: '',
  callerPhone: '',
  category: null,
  priority: 2,
  patientSummary: '',
  priorityGroups: [],
  key: crypto.randomUUID(),
  phoneCallId: null,
});

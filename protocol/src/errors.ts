import { z } from 'zod';

/**
 * Why a request was refused, as a code the clients translate: the answer's English `error` text is for curl and
 * the caller's own logs, never for a Chinese screen. Refusals a user can act on have a code of their own; any other
 * is named by its HTTP status (codeForStatus).
 */
export const ErrorCode = z.enum([
  'server_unreachable',
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'too_many_requests',
  'server_error',
  'database_unavailable',
  'vehicle_busy',
  'vehicle_out_of_service',
  'incident_finished',
  'incident_already_covered',
  'destination_load_unconfirmed',
  'task_ended',
  /** A rostered crew login outside its shifts: it has no vehicle to sign on to. */
  'no_current_shift',
  /** A dispatcher or supervisor of one centre reached for another centre's incident, vehicle or hospital (issue 15). */
  'other_centre',
  /** Another centre's vehicle was sent without asking for cross-centre help (AssignRequest.crossCentreHelp). */
  'cross_centre_unconfirmed',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

const BY_STATUS: Record<number, ErrorCode> = {
  0: 'server_unreachable', 400: 'invalid_input', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
  413: 'invalid_input', 415: 'invalid_input', 422: 'unprocessable', 429: 'too_many_requests', 503: 'database_unavailable',
};

export function codeForStatus(status: number): ErrorCode {
  return BY_STATUS[status] ?? (status >= 400 && status < 500 ? 'invalid_input' : 'server_error');
}

/** Every refusal's body: the code to translate, the English text, and what some refusals add (candidates, fields). */
export const ErrorAnswerBody = z.object({ error: z.string(), code: ErrorCode, details: z.unknown().optional() });
export type ErrorAnswerBody = z.infer<typeof ErrorAnswerBody>;

import { ApiError } from '@dispatch/protocol';
import type { AdminWord } from './words';

export type FieldErrors = Partial<Record<string, string>>;

interface Issue {
  path?: (string | number)[];
  code?: string;
  message?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
}

/** The form field a refusal names: `location.lat` is the latitude field, `capabilities.0` the capabilities. */
const fieldOf = (path: (string | number)[]): string => {
  const [first, second] = path;
  return first === 'location' && typeof second === 'string' ? second : String(first ?? '');
};

/**
 * A refusal as words beside the fields it names, in the screen's language: a 400 lists zod issues (field path and
 * kind of problem), other 4xx name their field first ("callSign: …"). What names no field of the form becomes the
 * form's general error.
 */
export function problemsOf(
  error: unknown,
  fields: readonly string[],
  t: (key: AdminWord, vars?: Record<string, string | number>) => string,
  general: (error: unknown) => string,
  /** What the form sent, by field: an empty field refused for its format is simply required. */
  sent: object = {},
): { fields: FieldErrors; general: string | null } {
  const values = sent as Record<string, unknown>;
  if (!(error instanceof ApiError)) return { fields: {}, general: general(error) };
  const issues: Issue[] = Array.isArray(error.details)
    ? (error.details as Issue[])
    : (() => {
        const named = /^(\w+): (.*)$/.exec(error.message);
        return named ? [{ path: [named[1]!], code: `http_${error.status}`, message: named[2] }] : [];
      })();
  const found: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path ?? []);
    if (!fields.includes(field) || found[field]) continue;
    const empty = values[field] === '' || (field in values && values[field] == null);
    found[field] = empty && issue.code !== 'custom' ? t('fieldRequired') : wordFor(field, issue, t);
  }
  const named = Object.keys(found).length > 0;
  return { fields: found, general: named ? null : general(error) };
}

function wordFor(field: string, issue: Issue, t: (key: AdminWord, vars?: Record<string, string | number>) => string): string {
  const message = issue.message ?? '';
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) <= 1 ? t('fieldRequired') : issue.origin === 'string' ? t('fieldTooShort', { min: Number(issue.minimum) }) : t('fieldRange');
    case 'too_big':
      return issue.origin === 'string' ? t('fieldTooLong', { max: Number(issue.maximum) }) : t('fieldRange');
    case 'invalid_format':
      if (/Id$/.test(field)) return t('fieldChoose');
      return field === 'code' ? t('fieldCodeFormat') : field === 'username' ? t('fieldUsernameFormat') : t('fieldFormat');
    case 'invalid_type':
      return t('fieldRequired');
    case 'invalid_value':
      return t('fieldChoose');
    case 'custom':
      if (field === 'vehicleId' || field === 'crewMemberId') return t('fieldCrewBinding');
      if (field === 'endsAt') return t('fieldEndsAfter');
      if (/0,0/.test(message)) return t('fieldNoOrigin');
      return t('fieldBadValue');
    case 'http_409':
      if (field === 'inService') return t('fieldOnTask');
      if (field === 'deviceId') return t('fieldDeviceTaken');
      if (field === 'startsAt') return t('fieldOverlap');
      if (field === 'crewMemberId') return t('fieldMemberLogin');
      return t('fieldTaken');
    default:
      return /no such|unknown/.test(message) ? t('fieldNoSuch') : t('fieldBadValue');
  }
}


import { ApiError, StationInput, UserInput } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { problemsOf } from './fieldProblems';
import type { AdminWord } from './words';

// The word's key with its values: which words are chosen is tested here, the words themselves in words.ts.
const t = (key: AdminWord, vars: Record<string, string | number> = {}) => [key, ...Object.values(vars)].join(' ');
const general = () => 'GENERAL';
/** The 400 the server answers for a body its schema refuses: the zod issues as details (http/errors.ts). */
const refusalOf = (schema: { safeParse(body: unknown): { success: boolean; error?: { issues: unknown[] } } }, body: unknown) =>
  new ApiError(400, 'invalid', JSON.parse(JSON.stringify(schema.safeParse(body).error!.issues)), 'invalid_input');

describe("the words beside a form's fields for a refusal", () => {
  it('names each field a 400 lists by the kind of problem, and an empty one as required', () => {
    const body = { code: 'bad code', name: '', kind: 'castle', location: { lon: 111.9, lat: 97 } };
    const sent = { code: 'bad code', name: '', kind: 'castle', lon: '111.9', lat: '97' };
    const { fields, general: rest } = problemsOf(refusalOf(StationInput, body), ['code', 'name', 'kind', 'lon', 'lat'], t, general, sent);
    expect(fields).toEqual({ code: 'fieldCodeFormat', name: 'fieldRequired', kind: 'fieldChoose', lat: 'fieldRange' });
    expect(rest).toBeNull();
  });

  it("says what a refinement means: a crew login bound to nothing, a password too short", () => {
    const body = { username: 'wang', displayName: '王', password: 'short', role: 'crew' };
    const { fields } = problemsOf(refusalOf(UserInput, body), ['username', 'password', 'vehicleId', 'crewMemberId'], t, general, body);
    expect(fields).toEqual({ password: 'fieldTooShort 10', vehicleId: 'fieldCrewBinding' });
  });

  it('reads the field a 409 names first, and says a refusal naming no field of the form as a whole', () => {
    expect(problemsOf(new ApiError(409, 'callSign: a vehicle with this call sign exists'), ['callSign'], t, general).fields).toEqual({ callSign: 'fieldTaken' });
    expect(problemsOf(new ApiError(409, 'deviceId: x is bound to vehicle 介休120-01; unbind it there first'), ['deviceId'], t, general).fields).toEqual({ deviceId: 'fieldDeviceTaken' });
    expect(problemsOf(new ApiError(409, 'inService: the vehicle is on a task'), ['inService'], t, general).fields).toEqual({ inService: 'fieldOnTask' });
    expect(problemsOf(new ApiError(403, 'role admin may not …'), ['code'], t, general)).toEqual({ fields: {}, general: 'GENERAL' });
    expect(problemsOf(new Error('network'), ['code'], t, general)).toEqual({ fields: {}, general: 'GENERAL' });
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fixProblem, MAX_CALL_AGE_MS, text, textProblem, timeProblem } from './validation';

describe('text fields', () => {
  it('refuses NUL, control characters and unpaired surrogates, and keeps tabs, line breaks, Chinese and emoji', () => {
    expect(textProblem('a\u0000b')).toBe('must not contain a NUL character');
    expect(textProblem('\u001b[2J')).toBe('must not contain control characters');
    expect(textProblem('x\ud800')).toBe('must not contain unpaired UTF-16 surrogates');
    expect(textProblem('\udc00x')).toBe('must not contain unpaired UTF-16 surrogates');
    expect(textProblem('男，67岁\t胸痛\r\n大汗 🚑')).toBeNull();
  });

  it('names the field in a schema built from text()', () => {
    const result = text(10).trim().min(1).safeParse('a\u0000');
    expect(result.error?.issues[0]?.message).toBe('must not contain a NUL character');
  });

  test.prop([fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.nat()])(
    'refuses any text with a NUL in it, and accepts any text of whole characters without control characters',
    (clean, any, at) => {
      const cut = at % (any.length + 1);
      expect(textProblem(`${any.slice(0, cut)}\u0000${any.slice(cut)}`)).not.toBeNull();
      expect(textProblem(clean.replace(/\p{Cc}/gu, ' '))).toBeNull();
    },
  );
});

describe('one validation of a position fix', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it.each([
    [{ lon: 111.9, lat: 37, deviceTime: '2099-01-01T00:00:00Z' }, 'deviceTime', /more than 5 minutes ahead of the server clock/],
    [{ lon: 111.9, lat: 37, deviceTime: '1999-12-31T00:00:00Z' }, 'deviceTime', /more than 7 day\(s\) old/],
    [{ lon: 0, lat: 0, deviceTime: '2026-12-02T12:00:00Z' }, 'lat', /^0,0 is the position of no fix/],
    [{ lon: 1e-300, lat: -5e-324, deviceTime: '2026-12-02T12:00:00Z' }, 'lat', /^0,0/],
    [{ lon: 181, lat: 37, deviceTime: '2026-12-02T12:00:00Z' }, 'lon', /not a longitude/],
    [{ lon: 111.9, lat: Number.NaN, deviceTime: '2026-12-02T12:00:00Z' }, 'lat', /not a latitude/],
    [{ lon: 111.9, lat: 37, deviceTime: 'soon' }, 'deviceTime', /^is not a date/],
  ])('refuses %o on %s', (fix, field, message) => {
    const problem = fixProblem(fix, now);
    expect(problem?.field).toBe(field);
    expect(problem?.message).toMatch(message);
  });

  it('accepts a few minutes of clock skew and a fix replayed after days offline', () => {
    expect(fixProblem({ lon: 111.9, lat: 37, deviceTime: new Date(now + 4 * 60_000) }, now)).toBeNull();
    expect(fixProblem({ lon: 111.9, lat: 37, deviceTime: new Date(now - 6 * 24 * 3600_000) }, now)).toBeNull();
  });

  it('bounds a call ring time: 1900 is refused, an hour ago is not', () => {
    expect(timeProblem('1900-01-01T08:00:00+08:00', now, MAX_CALL_AGE_MS)).toMatch(/more than 30 day\(s\) old/);
    expect(timeProblem(new Date(now - 3600_000), now, MAX_CALL_AGE_MS)).toBeNull();
  });
});

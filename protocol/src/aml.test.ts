import { describe, expect, it } from 'vitest';
import { formatAml, parseAml } from './aml';

/** The example of ETSI TS 103 625 as AML parsers test with it (Wi-Fi fix, 50 m, 90 % confidence). */
const STANDARD_EXAMPLE = 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;top=20130717141935;lc=90;pm=W;si=123456789012345;ei=1234567890123456;mcc=234;mnc=30;ml=128';

describe('Advanced Mobile Location (ETSI TS 103 625)', () => {
  it("reads the standard's example: position, radius, time, confidence and method, never the handset's identities", () => {
    const parsed = parseAml(STANDARD_EXAMPLE);
    expect(parsed).toEqual({
      ok: true,
      location: { lat: 54.76397, lon: -0.18305, radiusM: 50, at: '2013-07-17T14:19:35.000Z', confidence: 90, source: 'aml_wifi' },
    });
    expect(JSON.stringify(parsed)).not.toMatch(/123456789012345|1234567890123456/);
  });

  it('reads pm=N as no position, and a message without method or time as AML of unknown method', () => {
    expect(parseAml('A"ML=1;pm=N')).toEqual({ ok: true, location: null });
    expect(parseAml('lt=+37.02700;lg=+111.91300;rd=2000')).toEqual({
      ok: true,
      location: { lat: 37.027, lon: 111.913, radiusM: 2000, at: null, confidence: null, source: 'aml' },
    });
  });

  it.each([
    ['a message cut short', STANDARD_EXAMPLE.replace('ml=128', 'ml=127'), /^ml says 127 characters, the message has 128/],
    ['an unknown attribute', 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;kl=23', /^unknown attribute kl/],
    ['a latitude that is not a number', 'A"ML=1;lt=+g4.7d397;lg=-0.18305;rd=50', /^lt:/],
    ['a longitude beyond 180', 'A"ML=1;lt=+54.76397;lg=-190.1;rd=50', /^lg:/],
    ['no radius', 'A"ML=1;lt=+54.76397;lg=-0.18305', /^rd:/],
    ['a date without time', 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;top=20130717', /^top:/],
    ['a 31st of February', 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;top=20130231120000', /^top:/],
    ['a confidence with decimals', 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;lc=99.9', /^lc:/],
    ['an unknown positioning method', 'A"ML=1;lt=+54.76397;lg=-0.18305;rd=50;pm=Z', /^pm:/],
    ['an attribute twice', 'A"ML=1;lt=+54.76397;lt=+54.76397;lg=-0.18305;rd=50', /^lt given twice/],
  ])('refuses %s', (_what, message, problem) => {
    const parsed = parseAml(message);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('writes messages it reads back, ml counting itself', () => {
    const at = new Date('2026-12-03T09:30:15Z');
    const message = formatAml({ lon: 111.9728, lat: 37.11376, radiusM: 35, at, method: 'G' });
    expect(message).toMatch(/^A"ML=1;lt=\+37\.11376;lg=\+111\.97280;rd=35;top=20261203093015;lc=68;pm=G;mcc=460;mnc=00;ml=\d+$/);
    expect(parseAml(message)).toEqual({ ok: true, location: { lon: 111.9728, lat: 37.11376, radiusM: 35, at: at.toISOString(), confidence: 68, source: 'aml_gnss' } });
  });
});

import { describe, expect, it } from 'vitest';
import { KNOT_IN_MPS, NmeaDecoder, nmeaChecksum, parseNmeaSentence, withChecksum, type NmeaResult } from './nmea';

function fixOf(result: NmeaResult) {
  if (!result.ok) throw new Error(`expected a fix, got ${result.code}: ${result.reason}`);
  return result.fix;
}

describe('NMEA 0183 checksums', () => {
  it('agrees with the checksums of published example sentences', () => {
    // Sentences as printed in the NMEA references (gpsd, SparkFun, u-blox manuals), checksums included.
    const published = [
      '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A',
      '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47',
      '$GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E*68',
      '$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76',
      '$GPGGA,,,,,,0,00,99.99,,,,,,*48',
      '$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74',
    ];
    for (const sentence of published) {
      const [body, sum] = sentence.slice(1).split('*');
      expect(nmeaChecksum(body!), sentence).toBe(sum);
    }
  });

  it('rejects a sentence whose checksum does not match, naming both values', () => {
    const result = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6B');
    expect(result).toEqual({ ok: false, code: 'bad_checksum', reason: 'bad checksum: sentence says 6B, content gives 6A' });
  });

  it('rejects a sentence with one character changed in transit even though the checksum field is intact', () => {
    const result = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A'.replace('4807', '4808'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('bad_checksum');
  });

  it('rejects a sentence without a checksum or with a malformed one', () => {
    const bare = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W');
    expect(bare).toMatchObject({ ok: false, code: 'missing_checksum' });
    const short = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6');
    expect(short).toMatchObject({ ok: false, code: 'missing_checksum', reason: 'checksum must be two hex digits, got "6"' });
  });

  it('accepts a lower-case checksum and ignores CR/LF and surrounding spaces', () => {
    const fix = fixOf(parseNmeaSentence(' $GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6a\r\n'));
    expect(fix.deviceTime).toBe('1994-03-23T12:35:19.000Z');
  });
});

describe('NMEA RMC sentences', () => {
  it('decodes the textbook RMC: position, knots to m/s, course, date and time', () => {
    const fix = fixOf(parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A'));
    expect(fix.lat).toBeCloseTo(48 + 7.038 / 60, 8);
    expect(fix.lon).toBeCloseTo(11 + 31 / 60, 8);
    expect(fix.speedMps).toBeCloseTo(22.4 * 0.514444, 3);
    expect(fix.headingDeg).toBe(84.4);
    expect(fix.deviceTime).toBe('1994-03-23T12:35:19.000Z');
    expect(fix).toMatchObject({ sentence: 'RMC', talker: 'GP', source: 'nmea', mode: null, altitudeM: null });
  });

  it('makes western longitudes negative (Vancouver example)', () => {
    const fix = fixOf(parseNmeaSentence('$GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E*68'));
    expect(fix.lat).toBeCloseTo(49 + 16.45 / 60, 8);
    expect(fix.lon).toBeCloseTo(-(123 + 11.12 / 60), 8);
    expect(fix.deviceTime).toBe('1994-11-19T22:54:46.000Z');
  });

  it('makes southern latitudes negative and keeps fractional seconds (multi-constellation GN talker)', () => {
    const fix = fixOf(parseNmeaSentence(withChecksum('GNRMC,001031.25,A,3352.1234,S,15112.5678,E,12.5,270.0,010124,,,A')));
    expect(fix.lat).toBeCloseTo(-(33 + 52.1234 / 60), 8);
    expect(fix.lon).toBeCloseTo(151 + 12.5678 / 60, 8);
    expect(fix.deviceTime).toBe('2024-01-01T00:10:31.250Z');
    expect(fix.speedMps).toBeCloseTo(12.5 * KNOT_IN_MPS, 3);
    expect(fix).toMatchObject({ talker: 'GN', mode: 'A', headingDeg: 270 });
  });

  it('handles both negative hemispheres at once (Buenos Aires) and a BeiDou talker', () => {
    const fix = fixOf(parseNmeaSentence(withChecksum('BDRMC,141500,A,3436.2200,S,05822.9000,W,0.0,,150625,,,D')));
    expect(fix.lat).toBeCloseTo(-34.603667, 6);
    expect(fix.lon).toBeCloseTo(-58.381667, 6);
    expect(fix.headingDeg).toBeNull();
    expect(fix.speedMps).toBe(0);
    expect(fix.talker).toBe('BD');
  });

  it('treats empty speed and course as unknown, not zero', () => {
    const fix = fixOf(parseNmeaSentence(withChecksum('GPRMC,080000,A,3701.6200,N,11154.7800,E,,,241126,,')));
    expect(fix.lat).toBeCloseTo(37.027, 6);
    expect(fix.lon).toBeCloseTo(111.913, 6);
    expect(fix.speedMps).toBeNull();
    expect(fix.headingDeg).toBeNull();
    expect(fix.deviceTime).toBe('2026-11-24T08:00:00.000Z');
  });

  it('rejects a void fix (status V), including the empty sentence receivers send before a fix', () => {
    expect(parseNmeaSentence('$GPRMC,,V,,,,,,,,,,N*53')).toMatchObject({ ok: false, code: 'void' });
    expect(parseNmeaSentence('$GNRMC,,V,,,,,,,,,,N*4D')).toMatchObject({ ok: false, code: 'void' });
    const withPosition = withChecksum('GPRMC,123519,V,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W');
    expect(parseNmeaSentence(withPosition)).toEqual({ ok: false, code: 'void', reason: 'GPRMC: status V (void): the receiver has no valid fix' });
  });

  it('rejects mode N (data not valid) even when the status says A', () => {
    expect(parseNmeaSentence(withChecksum('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,,,N'))).toMatchObject({ ok: false, code: 'void' });
  });

  it('names the bad field of a malformed sentence', () => {
    const cases: [string, RegExp][] = [
      ['GPRMC,123519,A,,N,01131.000,E,022.4,084.4,230394,,', /latitude is empty/],
      ['GPRMC,123519,A,4807.038,X,01131.000,E,022.4,084.4,230394,,', /latitude hemisphere must be N or S, got "X"/],
      ['GPRMC,123519,A,4860.000,N,01131.000,E,022.4,084.4,230394,,', /latitude "4860.000" has 60 minutes/],
      ['GPRMC,123519,A,9107.038,N,01131.000,E,022.4,084.4,230394,,', /beyond 90°/],
      ['GPRMC,123519,A,4807.038,N,18131.000,E,022.4,084.4,230394,,', /longitude "18131.000" is beyond 180°/],
      ['GPRMC,123519,A,4807.038,N,01131.000,E,fast,084.4,230394,,', /speed "fast" is not a number/],
      ['GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,310294,,', /date "310294" does not exist/],
      ['GPRMC,253519,A,4807.038,N,01131.000,E,022.4,084.4,230394,,', /UTC time "253519" is out of range/],
      ['GPRMC,123519,A,4807.038,N,01131.000,E', /expected at least 10 fields, got 7/],
      ['GPRMC,123519,Q,4807.038,N,01131.000,E,022.4,084.4,230394,,', /status must be A or V, got "Q"/],
    ];
    for (const [body, reason] of cases) {
      const result = parseNmeaSentence(withChecksum(body));
      expect(result.ok, body).toBe(false);
      if (!result.ok) {
        expect(result.code, body).toBe('malformed');
        expect(result.reason, body).toMatch(reason);
      }
    }
  });

  it('ignores other sentence types and rejects lines that are not NMEA', () => {
    expect(parseNmeaSentence('$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74')).toMatchObject({
      ok: false,
      code: 'unsupported',
      reason: 'unsupported sentence GPGSV',
    });
    expect(parseNmeaSentence('hello')).toMatchObject({ ok: false, code: 'not_nmea' });
    expect(parseNmeaSentence('\r\n')).toMatchObject({ ok: false, code: 'empty' });
  });
});

describe('NMEA GGA sentences', () => {
  it('decodes the textbook GGA with a supplied date: quality, satellites, HDOP and altitude', () => {
    const fix = fixOf(parseNmeaSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47', { date: '1994-03-23' }));
    expect(fix).toMatchObject({ sentence: 'GGA', fixQuality: 1, satellites: 8, hdop: 0.9, altitudeM: 545.4, speedMps: null, headingDeg: null });
    expect(fix.lat).toBeCloseTo(48.1173, 6);
    expect(fix.lon).toBeCloseTo(11.516667, 6);
    expect(fix.deviceTime).toBe('1994-03-23T12:35:19.000Z');
  });

  it('rejects fix quality 0 and a GGA it cannot date', () => {
    expect(parseNmeaSentence('$GPGGA,,,,,,0,00,99.99,,,,,,*48', { date: '2024-01-01' })).toMatchObject({ ok: false, code: 'no_fix' });
    expect(parseNmeaSentence('$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76')).toMatchObject({
      ok: false,
      code: 'no_date',
    });
  });

  it('dates GGA from the last RMC, across midnight UTC in either direction', () => {
    const decoder = new NmeaDecoder();
    expect(decoder.decode('$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76')).toMatchObject({ code: 'no_date' });
    const rmc = fixOf(decoder.decode('$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43'));
    expect(rmc.deviceTime).toBe('2011-05-28T09:27:50.000Z');
    const gga = fixOf(decoder.decode('$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76'));
    expect(gga.deviceTime).toBe('2011-05-28T09:27:50.000Z');
    expect(gga.lon).toBeCloseTo(-(6 + 30.3372 / 60), 8);

    fixOf(decoder.decode(withChecksum('GNRMC,235959.50,A,3701.6200,N,11154.7800,E,5.0,90.0,311224,,,A')));
    const afterMidnight = fixOf(decoder.decode(withChecksum('GNGGA,000000.50,3701.6200,N,11154.7800,E,1,12,0.8,745.0,M,-20.1,M,,')));
    expect(afterMidnight.deviceTime).toBe('2025-01-01T00:00:00.500Z');

    const late = fixOf(parseNmeaSentence(withChecksum('GNGGA,235959.00,3701.6200,N,11154.7800,E,2,12,0.8,745.0,M,-20.1,M,,'), {
      reference: '2025-01-01T00:00:01Z',
    }));
    expect(late.deviceTime).toBe('2024-12-31T23:59:59.000Z');
  });

  it('reads a southern, western GGA with an RTK fix', () => {
    const fix = fixOf(parseNmeaSentence(withChecksum('GPGGA,101010,2254.5000,S,04312.0000,W,4,20,0.5,12.0,M,-5.0,M,1.0,0001'), { date: '2025-06-30' }));
    expect(fix.lat).toBeCloseTo(-22.908333, 6);
    expect(fix.lon).toBeCloseTo(-43.2, 6);
    expect(fix.fixQuality).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { RequestTransferRequest, TRANSFER_NEED_CAPABILITY } from './transfers';

const a = '6f1c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';
const b = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const base = { fromHospitalId: a, toHospitalId: b, direction: 'up', patientSummary: '胸痛 2 小时' } as const;
const fields = (input: unknown) => (RequestTransferRequest.safeParse(input).error?.issues ?? []).map((i) => i.path.join('.'));

describe('a transfer request', () => {
  it('takes a minimal request with its defaults: category other, no needs, no green channel, now', () => {
    expect(RequestTransferRequest.parse(base)).toEqual({ ...base, category: 'other', needs: [], greenChannel: false });
  });

  it('names the field of each mistake: the same hospital twice, a green channel outside chest pain and stroke, an empty summary, a time without offset', () => {
    expect(fields({ ...base, toHospitalId: a })).toEqual(['toHospitalId']);
    expect(fields({ ...base, greenChannel: true, category: 'trauma' })).toEqual(['greenChannel']);
    expect(fields({ ...base, greenChannel: true, category: 'stroke' })).toEqual([]);
    expect(fields({ ...base, patientSummary: '  ' })).toEqual(['patientSummary']);
    expect(fields({ ...base, scheduledAt: '2026-12-03 08:00' })).toEqual(['scheduledAt']);
    expect(fields({ ...base, needs: ['ecmo'] })).toEqual(['needs.0']);
  });

  it('maps every need but the escort to a vehicle capability (monitoring: an ALS ambulance)', () => {
    expect(TRANSFER_NEED_CAPABILITY).toEqual({ neonatal: 'neonatal', negative_pressure: 'negative_pressure', monitoring: 'als', escort: null });
  });
});

import type { CandidateDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rankHospitals } from './computeRecommendation';
import { holdBackScarceVehicles, preferGeneralVehiclesOnTies, rankBest } from './rankFleet';

const candidate = (callSign: string, etaSeconds: number, capabilities: string[], returning = false): CandidateDto => ({
  vehicleId: callSign,
  callSign,
  kind: 'negative_pressure_ambulance',
  capabilities,
  state: returning ? 'returning' : 'available',
  etaSeconds,
  distanceM: etaSeconds * 10,
  positionSource: 'gps',
  stale: false,
  positionAgeSeconds: 1,
  returning,
  reserve: null,
});

describe('preferGeneralVehiclesOnTies', () => {
  it('keeps the neonatal ambulance free when a plain ALS ambulance is as near', () => {
    const list = [candidate('NICU', 480, ['neonatal', 'negative_pressure', 'als']), candidate('ALS', 482, ['negative_pressure', 'als'])];
    preferGeneralVehiclesOnTies(list, ['als']);
    expect(list.map((c) => c.callSign)).toEqual(['ALS', 'NICU']);
  });

  it('never lets a special vehicle lose to a plain one that is clearly farther', () => {
    const list = [candidate('NICU', 300, ['neonatal', 'als']), candidate('ALS', 400, ['als'])];
    preferGeneralVehiclesOnTies(list, ['als']);
    expect(list.map((c) => c.callSign)).toEqual(['NICU', 'ALS']);
  });

  it('puts a free vehicle before one returning from another job at the same distance', () => {
    const list = [candidate('RETURNING', 200, ['als'], true), candidate('FREE', 203, ['als'])];
    preferGeneralVehiclesOnTies(list, ['als']);
    expect(list.map((c) => c.callSign)).toEqual(['FREE', 'RETURNING']);
  });
});

describe('holdBackScarceVehicles', () => {
  const ct = candidate('CT', 300, ['mobile_ct', 'als']);
  const als = candidate('ALS', 500, ['als']);
  const bls = candidate('BLS', 700, ['bls']);

  it('ranks the mobile CT after every ordinary vehicle when it gains less than the margin, and says why', () => {
    const ranked = holdBackScarceVehicles([ct, als, bls], ['als'], 300);
    expect(ranked.map((c) => c.callSign)).toEqual(['ALS', 'BLS', 'CT']);
    expect(ranked[2]!.reserve).toEqual({ capabilities: ['mobile_ct'], heldBack: true, gainSeconds: 200, marginSeconds: 300 });
    expect(ranked[0]!.reserve).toBeNull();
  });

  it('lets it lead when it gains more than the margin', () => {
    const ranked = holdBackScarceVehicles([ct, als], ['als'], 120);
    expect(ranked.map((c) => c.callSign)).toEqual(['CT', 'ALS']);
    expect(ranked[0]!.reserve).toMatchObject({ heldBack: false, gainSeconds: 200 });
  });

  it('leaves the order alone for a call that needs the scarce capability, or when no ordinary vehicle can go', () => {
    expect(holdBackScarceVehicles([ct, als], ['mobile_ct'], 300).map((c) => c.reserve)).toEqual([null, null]);
    expect(holdBackScarceVehicles([ct], ['als'], 300)).toEqual([ct]);
  });

  it('holds back the neonatal ambulance too, each vehicle judged against the best ordinary one', () => {
    const nicu = candidate('NICU', 450, ['neonatal', 'als']);
    const ranked = holdBackScarceVehicles([ct, nicu, als], ['als'], 100);
    expect(ranked.map((c) => [c.callSign, c.reserve?.heldBack ?? null])).toEqual([['CT', false], ['ALS', null], ['NICU', true]]);
  });
});

describe('rankHospitals', () => {
  const rows: Parameters<typeof rankHospitals>[0] = [
    { id: 'near-red', name: 'A', capabilities: ['pci'], load_status: 'red' },
    { id: 'far-blue', name: 'B', capabilities: ['pci'], load_status: 'blue' },
    { id: 'closed', name: 'C', capabilities: ['pci'], load_status: 'closed' },
  ];
  const results = [
    { id: 'closed', etaSeconds: 100, distanceM: 1000, snapDistanceM: 1 },
    { id: 'near-red', etaSeconds: 300, distanceM: 3000, snapDistanceM: 1 },
    { id: 'far-blue', etaSeconds: 1200, distanceM: 12000, snapDistanceM: 1 },
  ];

  it('skips red and closed hospitals when an open one is within the bound', () => {
    const options = rankHospitals(rows, results, 1800);
    expect(options.find((o) => o.skippedBecause === null)?.hospitalId).toBe('far-blue');
    expect(options.find((o) => o.hospitalId === 'near-red')?.skippedBecause).toBe('load_red');
  });

  it('proposes the nearest red hospital, never a closed one, when no open one is within the bound', () => {
    const options = rankHospitals(rows, results, 600);
    expect(options.find((o) => o.skippedBecause === null)?.hospitalId).toBe('near-red');
    expect(options.find((o) => o.hospitalId === 'closed')?.skippedBecause).toBe('closed');
  });
});

describe('rankBest', () => {
  const capabilitySets = [['als'], ['bls'], ['als', 'neonatal'], ['mobile_ct'], ['als', 'mobile_ct', 'neonatal'], []];
  const fleet = fc.array(
    fc.record({ eta: fc.integer({ min: 0, max: 400 }), caps: fc.constantFrom(...capabilitySets), returning: fc.boolean() }),
    { maxLength: 80 },
  );

  it('gives the first candidates of the whole ranking, ordering only the head of the list', () => {
    fc.assert(
      fc.property(fleet, fc.constantFrom([], ['als'], ['neonatal']), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 120 }), (rows, required, limit, margin) => {
        const sorted = () => rows.map((r, i) => candidate(`V${i}`, r.eta, r.caps, r.returning)).sort((a, b) => a.etaSeconds - b.etaSeconds);
        const whole = sorted();
        preferGeneralVehiclesOnTies(whole, required);
        const expected = holdBackScarceVehicles(whole, required, margin).slice(0, limit);
        expect(rankBest(sorted(), required, margin, limit)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

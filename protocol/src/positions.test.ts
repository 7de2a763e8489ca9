import { describe, expect, it } from 'vitest';
import { packPosition, unpackPositions, type VehiclePositionDto } from './positions';

describe('packed positions (vehicle.positionsUpdated)', () => {
  const dto: VehiclePositionDto = {
    vehicleId: '11111111-1111-4111-8111-111111111111',
    lon: 111.9012345,
    lat: 37.0312345,
    speedMps: 5.144,
    headingDeg: 90,
    accuracyM: null,
    deviceTime: '2026-12-03T18:07:50.123Z',
    receivedAt: '2026-12-03T18:07:50.150Z',
    source: 'osmand',
  };

  it('gives back the DTO it packed, through JSON, in less than half its bytes', () => {
    const wire = JSON.stringify([packPosition(dto)]);
    expect(unpackPositions(JSON.parse(wire))).toEqual([dto]);
    expect(wire.length).toBeLessThan(JSON.stringify([dto]).length / 2 + 20);
  });
});

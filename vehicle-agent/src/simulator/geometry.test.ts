import { describe, expect, it } from 'vitest';
import { prepareRoute, progressOn } from '../tablet/navigation';
import { MeasuredLine, bearingDeg, distanceM } from './geometry';

describe('driving along a line', () => {
  const line = new MeasuredLine([
    [111.9, 37.0],
    [111.91, 37.0],
    [111.91, 37.01],
  ]);

  it('measures the line and finds points by distance, with the heading of their segment', () => {
    expect(line.lengthM).toBeCloseTo(distanceM([111.9, 37], [111.91, 37]) + distanceM([111.91, 37], [111.91, 37.01]), 6);
    expect(distanceM([111.91, 37], [111.91, 37.01])).toBeCloseTo(1111.95, 0);
    const halfFirst = line.at(line.cumulative[1]! / 2);
    expect(halfFirst.lonLat[0]).toBeCloseTo(111.905, 6);
    expect(halfFirst.headingDeg).toBe(90);
    expect(line.at(line.cumulative[1]! + 10).headingDeg).toBe(0);
    expect(line.at(-5).lonLat).toEqual([111.9, 37]);
    expect(line.at(line.lengthM + 100).lonLat).toEqual([111.91, 37.01]);
    expect(bearingDeg([111.91, 37.01], [111.91, 37])).toBeCloseTo(180, 6);
  });

  it('tells the crew the next maneuver, the distance to it and the time left', () => {
    const route = {
      geometry: { coordinates: line.coordinates },
      durationS: 200,
      distanceM: line.lengthM,
      steps: [
        { maneuver: 'depart', streetName: 'A', distanceM: line.cumulative[1]!, durationS: 100, location: [111.9, 37.0] as [number, number] },
        { maneuver: 'left', streetName: 'B', distanceM: line.lengthM - line.cumulative[1]!, durationS: 100, location: [111.91, 37.0] as [number, number] },
        { maneuver: 'arrive', streetName: null, distanceM: 0, durationS: 0, location: [111.91, 37.01] as [number, number] },
      ],
    };
    const prepared = prepareRoute(route)!;
    const atStart = progressOn(prepared, null);
    expect(atStart).toMatchObject({ nextIndex: 1, remainingS: 200 });
    expect(atStart.toNextM).toBeCloseTo(line.cumulative[1]!, 6);
    const afterTurn = progressOn(prepared, [111.91, 37.0001]);
    expect(afterTurn.nextIndex).toBe(2);
    expect(afterTurn.remainingS).toBeLessThan(200 * 0.6);
  });
});

import { describe, expect, it } from 'vitest';
import { haversineM } from './geometry';
import { maneuverFor, NoPathError, route } from './route';
import { TooFarFromRoadError } from './snap';
import { at, graphOf, type EdgeSpec } from './testGraphs';

// East along First St (cut at a junction with a side street), left up Second Ave, right along Third St.
const town: EdgeSpec[] = [
  { from: [0, 0], to: [2, 0], cost: 20, reverseCost: 20, name: 'First St', lengthM: 190 },
  { from: [2, 0], to: [4, 0], cost: 20, reverseCost: 20, name: 'First St', lengthM: 190 },
  { from: [2, 0], to: [2, -2], cost: 20, reverseCost: 20, name: 'Side St', lengthM: 222 },
  { from: [4, 0], to: [4, 4], cost: 40, reverseCost: 40, name: 'Second Ave', lengthM: 444 },
  { from: [4, 4], to: [8, 4], cost: 40, reverseCost: 40, name: 'Third St', lengthM: 380 },
  { from: [4, 0], to: [6, 0], cost: 20, reverseCost: 20, name: 'First St', lengthM: 190 },
  // A oneway shortcut the wrong way for a trip from Third St back to First St.
  { from: [6, 0], to: [8, 4], cost: 60, reverseCost: -1, name: 'Diagonal', lengthM: 460 },
];

describe('route on hand-made graphs', () => {
  it('returns geometry cut at the snapped points, total time and distance, and turn-by-turn steps', () => {
    const graph = graphOf(town);
    const from = at(1, 0); // half way along the first edge
    const to = at(6, 4); // half way along Third St
    const r = route(graph, from, to);
    expect(r.durationS).toBeCloseTo(10 + 20 + 40 + 20, 6);
    expect(r.distanceM).toBeCloseTo(95 + 190 + 444 + 190, 6);
    const coords = r.geometry.coordinates;
    expect(r.geometry.type).toBe('LineString');
    expect(haversineM(...coords[0]!, ...from)).toBeLessThan(0.01);
    expect(haversineM(...coords[coords.length - 1]!, ...to)).toBeLessThan(0.01);
    expect(coords).toContainEqual(at(4, 0));
    expect(coords).toContainEqual(at(4, 4));
    expect(r.steps.map((s) => [s.maneuver, s.streetName])).toEqual([
      ['depart', 'First St'],
      ['left', 'Second Ave'],
      ['right', 'Third St'],
      ['arrive', 'Third St'],
    ]);
    const [depart, left, right, arrive] = r.steps;
    expect(depart!.distanceM).toBeCloseTo(95 + 190, 6);
    expect(depart!.durationS).toBeCloseTo(30, 6);
    expect(depart!.bearingAfter).toBeCloseTo(90, 0);
    expect(left).toMatchObject({ location: at(4, 0), distanceM: 444, durationS: 40 });
    expect(left!.bearingBefore).toBeCloseTo(90, 0);
    expect(left!.bearingAfter).toBeCloseTo(0, 0);
    expect(right!.location).toEqual(at(4, 4));
    expect(arrive).toMatchObject({ distanceM: 0, durationS: 0 });
    expect(r.steps.reduce((sum, s) => sum + s.durationS, 0)).toBeCloseTo(r.durationS, 9);
  });

  it('never drives a oneway the wrong way, even when it would be shorter', () => {
    const graph = graphOf(town);
    const toward = route(graph, at(6, 0), at(8, 4));
    expect(toward.durationS).toBe(60);
    expect(toward.steps[0]!.streetName).toBe('Diagonal');
    const back = route(graph, at(8, 4), at(6, 0));
    expect(back.durationS).toBeCloseTo(40 + 40 + 20, 9);
    expect(back.steps.map((s) => s.streetName)).not.toContain('Diagonal');
  });

  it('drives straight along one edge when both points are on it, and gives a zero route for one point', () => {
    const graph = graphOf(town);
    const r = route(graph, at(4, 1), at(4, 3));
    expect(r.durationS).toBeCloseTo(20, 9);
    expect(r.geometry.coordinates).toHaveLength(2);
    expect(r.steps.map((s) => s.maneuver)).toEqual(['depart', 'arrive']);
    const zero = route(graph, at(4, 2), at(4, 2));
    expect(zero.durationS).toBe(0);
    expect(zero.geometry.coordinates).toHaveLength(2);
  });

  it('marks entering a roundabout', () => {
    // A one-way ring (one OSM way) with an approach from the west and an exit to the east.
    const ring: EdgeSpec[] = [
      { from: [0, 2], to: [2, 2], cost: 20, reverseCost: 20, name: 'West Rd' },
      { from: [2, 2], to: [3, 1], cost: 5, reverseCost: -1, name: null, osmWayId: 99 },
      { from: [3, 1], to: [4, 2], cost: 5, reverseCost: -1, name: null, osmWayId: 99 },
      { from: [4, 2], to: [3, 3], cost: 5, reverseCost: -1, name: null, osmWayId: 99 },
      { from: [3, 3], to: [2, 2], cost: 5, reverseCost: -1, name: null, osmWayId: 99 },
      { from: [4, 2], to: [6, 2], cost: 20, reverseCost: 20, name: 'East Rd' },
      { from: [3, 1], to: [3, -1], cost: 20, reverseCost: 20, name: 'South Rd' },
    ];
    const r = route(graphOf(ring), at(1, 2), at(5, 2));
    expect(r.steps.map((s) => s.maneuver)).toEqual(['depart', 'roundabout', expect.stringMatching(/left|right|straight/), 'arrive']);
    expect(r.steps[2]!.streetName).toBe('East Rd');
  });

  it('says why there is no path, and which point is too far from a road', () => {
    const graph = graphOf([...town, { from: [20, 20], to: [22, 20], cost: 10, reverseCost: 10, name: 'Island Rd' }]);
    expect(() => route(graph, at(1, 0), at(21, 20))).toThrowError(NoPathError);
    expect(() => route(graph, at(1, 0), at(21, 20))).toThrowError(/not connected/);
    expect(() => route(graph, at(1, 0), at(40, 40))).toThrowError(TooFarFromRoadError);
    expect(() => route(graph, at(40, 40), at(1, 0))).toThrowError(/^from /);
    const oneway = graphOf([{ from: [0, 0], to: [3, 0], cost: 30, reverseCost: -1, name: 'Only East' }]);
    expect(() => route(oneway, at(3, 0), at(0, 0))).toThrowError(/oneway/);
  });

  it('names maneuvers from the turn angle', () => {
    expect([5, -30, 90, -100, 150, -150, 178].map(maneuverFor)).toEqual(['straight', 'slight_left', 'right', 'left', 'sharp_right', 'sharp_left', 'u_turn']);
  });
});

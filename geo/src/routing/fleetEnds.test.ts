import { describe, expect, it } from 'vitest';
import { attachHierarchy, buildHierarchySync } from './contractionHierarchy';
import { etasToTarget, refreshFleetSelection, type EtaColumns } from './rankToTarget';
import { snapToRoad, trySnapToRoad, type RoadSnap } from './snap';
import { at, graphOf, randomGrid, seededRandom } from './testGraphs';

const columns = (count: number): EtaColumns => ({ seconds: new Float64Array(count), metres: new Float64Array(count), reason: new Uint8Array(count) });

describe('a fleet kept across rankings of the hierarchy', () => {
  it('gives the plain search\'s ETAs while vehicles stand, move, leave the road and the fleet changes size, across restarts of the selection', () => {
    const specs = randomGrid(64, 21);
    const graph = graphOf(specs);
    const ch = buildHierarchySync(graph);
    attachHierarchy(ch);
    // Restarts (the sub-hierarchy renumbered) come far sooner than on a real network's thousand-vertex slack.
    ch.selectionGrowth = { factor: 1.1, slack: 0 };
    const random = seededRandom(8);
    const somewhere = (): RoadSnap | null => {
      // One position in twenty far from any road (no snap).
      if (random() < 0.05) return trySnapToRoad(graph, at(500, 500));
      const s = specs[Math.floor(random() * specs.length)]!;
      const f = random();
      return trySnapToRoad(graph, at(s.from[0] + (s.to[0] - s.from[0]) * f, s.from[1] + (s.to[1] - s.from[1]) * f));
    };
    const fleet = Array.from({ length: 40 }, somewhere);
    const fast = columns(64);
    const plain = columns(64);
    const firstRebuilds = () => ch.sweepAnswers('toTarget')?.rebuilds ?? 0;
    let restarts = 0;
    for (let round = 0; round < 400; round++) {
      // Mostly a few vehicles move; sometimes most of them, sometimes none; now and then the fleet grows or shrinks.
      const moves = round % 7 === 0 ? 0 : round % 23 === 0 ? fleet.length : 1 + Math.floor(random() * 3);
      for (let k = 0; k < moves; k++) fleet[Math.floor(random() * fleet.length)] = somewhere();
      if (round % 31 === 5) fleet.push(somewhere(), somewhere());
      if (round % 37 === 11) fleet.splice(Math.floor(random() * fleet.length), 3);
      const s = specs[Math.floor(random() * specs.length)]!;
      const target = snapToRoad(graph, at(...s.to));
      const before = firstRebuilds();
      // Another caller ranking other sources on the same graph in between (a smaller list, fresh snaps).
      if (round % 13 === 0) etasToTarget(graph, target, fleet.slice(3).map((snap) => (snap ? { ...snap } : null)), fleet.length - 3, columns(64));
      // The hierarchy first: the plain search taking the moves in first would void the kept sweep places.
      etasToTarget(graph, target, fleet, fleet.length, fast);
      etasToTarget(graph, target, fleet, fleet.length, plain, { method: 'plain' });
      if (firstRebuilds() !== before) restarts++;
      for (let i = 0; i < fleet.length; i++) {
        expect(fast.reason[i], `reason of vehicle ${i} in round ${round}`).toBe(plain.reason[i]);
        if (plain.reason[i] !== 0) continue;
        expect(Math.abs(fast.seconds[i]! - plain.seconds[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, plain.seconds[i]!));
        expect(Math.abs(fast.metres[i]! - plain.metres[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, plain.metres[i]!));
      }
      // A second ranking of the same fleet, everything kept: the same answers to the bit.
      const again = columns(64);
      etasToTarget(graph, target, fleet, fleet.length, again);
      for (let i = 0; i < fleet.length; i++) if (fast.reason[i] === 0) expect([again.seconds[i], again.metres[i]]).toEqual([fast.seconds[i], fast.metres[i]]);
    }
    // The selection was started afresh (the sub-hierarchy renumbered) several times along the way.
    expect(restarts).toBeGreaterThan(2);
  });

  it('starts an overgrown selection afresh between rankings when asked, so that no ranking has to, with the same ETAs', () => {
    const specs = randomGrid(64, 4);
    const graph = graphOf(specs);
    const ch = buildHierarchySync(graph);
    attachHierarchy(ch);
    ch.selectionGrowth = { factor: 1.1, slack: 0 };
    const random = seededRandom(3);
    const somewhere = (): RoadSnap | null => {
      const s = specs[Math.floor(random() * specs.length)]!;
      return trySnapToRoad(graph, at(s.from[0] + (s.to[0] - s.from[0]) * 0.3, s.from[1] + (s.to[1] - s.from[1]) * 0.3));
    };
    const fleet = Array.from({ length: 40 }, somewhere);
    const fast = columns(40);
    const plain = columns(40);
    const rebuilds = () => ch.sweepAnswers('toTarget')?.rebuilds ?? 0;
    let refreshed = 0;
    for (let round = 0; round < 150; round++) {
      for (let k = 0; k < 4; k++) fleet[Math.floor(random() * fleet.length)] = somewhere();
      const s = specs[Math.floor(random() * specs.length)]!;
      const target = snapToRoad(graph, at(...s.to));
      if (refreshFleetSelection(graph, fleet, fleet.length)) {
        refreshed++;
        expect(ch.selectionRestarts('toTarget')).toBe(false);
      }
      const before = rebuilds();
      etasToTarget(graph, target, fleet, fleet.length, fast);
      // Never started afresh inside a ranking after the first (the moves of one round stay well within the growth allowed).
      if (round > 0) expect(rebuilds(), `round ${round}`).toBe(before);
      etasToTarget(graph, target, fleet, fleet.length, plain, { method: 'plain' });
      for (let i = 0; i < fleet.length; i++) {
        expect(fast.reason[i]).toBe(plain.reason[i]);
        if (plain.reason[i] === 0) expect(Math.abs(fast.seconds[i]! - plain.seconds[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, plain.seconds[i]!));
      }
    }
    expect(refreshed).toBeGreaterThan(2);
  });
});

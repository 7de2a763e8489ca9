import { describe, expect, it } from 'vitest';
import { type RoadSource, type RoadWay, SkipTally } from './roadSource';
import { buildTopology } from './topology';

const DRIVABLE = new Set(['primary', 'residential']);

/** Nodes 1..n on a line, 0.001° apart. */
function source(ways: RoadWay[], nodeCount = 20): RoadSource {
  const nodes = new Map<number, readonly [number, number]>();
  for (let id = 1; id <= nodeCount; id++) nodes.set(id, [111.9 + id * 0.001, 37 + (id % 3) * 0.001]);
  return { nodes, ways, skipped: new SkipTally() };
}
const way = (osmId: number, nodes: number[], tags: Record<string, string> = { highway: 'residential' }): RoadWay => ({
  osmId,
  nodes,
  tags,
});

describe('buildTopology', () => {
  it('splits ways at nodes they share and keeps inner nodes as shape', () => {
    const t = buildTopology(source([way(1, [1, 2, 3, 4, 5]), way(2, [6, 3, 7])]), DRIVABLE);
    expect(t.edges.map((e) => [e.source, e.target])).toEqual([
      [1, 3],
      [3, 5],
      [6, 3],
      [3, 7],
    ]);
    expect(t.edges[0]!.coordinates).toHaveLength(6);
    expect(t.vertices.sort((a, b) => a - b)).toEqual([1, 3, 5, 6, 7]);
    expect(t.ways).toBe(2);
  });

  it('cuts a closed way that touches nothing else into two edges', () => {
    const t = buildTopology(source([way(1, [1, 2, 3, 4, 5, 1])]), DRIVABLE);
    expect(t.edges).toHaveLength(2);
    for (const e of t.edges) expect(e.source).not.toBe(e.target);
    expect(t.edges[0]!.target).toBe(t.edges[1]!.source);
  });

  it('splits a way where the extract lacks a node instead of bridging the gap', () => {
    const t = buildTopology(source([way(1, [1, 2, 99, 4, 5])]), DRIVABLE);
    expect(t.edges.map((e) => [e.source, e.target])).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });

  it('leaves out classes that are not drivable and areas', () => {
    const t = buildTopology(
      source([
        way(1, [1, 2, 3]),
        way(2, [3, 4, 5], { highway: 'footway' }),
        way(3, [5, 6, 7, 5], { highway: 'residential', area: 'yes' }),
      ]),
      DRIVABLE,
    );
    expect(t.edges.map((e) => e.osmWayId)).toEqual([1]);
  });

  it('drops repeated consecutive nodes rather than making zero-length edges', () => {
    const t = buildTopology(source([way(1, [1, 2, 2, 3])]), DRIVABLE);
    expect(t.edges).toHaveLength(1);
    expect(t.edges[0]!.coordinates).toHaveLength(6);
  });

  it('refuses a source without drivable roads, naming the classes it looked for', () => {
    expect(() => buildTopology(source([way(1, [1, 2], { highway: 'footway' })]), DRIVABLE)).toThrowError(
      /no drivable roads found: 1 ways read.*primary, residential/,
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArcLists } from './arcLists';

/** What the hierarchy builder used before: a plain array per vertex, removal by moving the last arc into the gap. */
class PlainLists {
  readonly arcs: [number, number, number][][];
  constructor(vertices: number) {
    this.arcs = Array.from({ length: vertices }, () => []);
  }
  push(v: number, head: number, weight: number, length: number): void {
    this.arcs[v]!.push([head, weight, length]);
  }
  remove(v: number, head: number): void {
    const list = this.arcs[v]!;
    const i = list.findIndex(([h]) => h === head);
    if (i < 0) return;
    list[i] = list.at(-1)!;
    list.pop();
  }
  clear(v: number): void {
    this.arcs[v] = [];
  }
}

function listOf(lists: ArcLists, v: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = lists.start[v]!, end = i + lists.size[v]!; i < end; i++) out.push([lists.head[i]!, lists.weight[i]!, lists.length[i]!]);
  return out;
}

const VERTICES = 6;
const operation = fc.oneof(
  fc.record({ op: fc.constant('push' as const), v: fc.nat(VERTICES - 1), head: fc.nat(20), weight: fc.double({ min: 0, max: 100, noNaN: true }) }),
  fc.record({ op: fc.constant('remove' as const), v: fc.nat(VERTICES - 1), head: fc.nat(20) }),
  fc.record({ op: fc.constant('clear' as const), v: fc.nat(VERTICES - 1) }),
);

describe('arc lists in one typed pool', () => {
  it('hold every vertex its arcs in the order plain per-vertex arrays would (appends, swap removals, clears, blocks moved and reused)', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), fc.integer({ min: 1, max: 40 }), (operations, capacity) => {
        // A small starting pool, so that it grows and freed blocks are handed out again.
        const lists = new ArcLists(VERTICES, capacity);
        const plain = new PlainLists(VERTICES);
        for (const o of operations) {
          if (o.op === 'push') {
            lists.push(o.v, o.head, o.weight, o.weight * 7);
            plain.push(o.v, o.head, o.weight, o.weight * 7);
          } else if (o.op === 'remove') {
            lists.remove(o.v, o.head);
            plain.remove(o.v, o.head);
          } else {
            lists.clear(o.v);
            plain.clear(o.v);
          }
          for (let v = 0; v < VERTICES; v++) expect(listOf(lists, v)).toEqual(plain.arcs[v]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the arc to a head, or -1', () => {
    const lists = new ArcLists(2, 4);
    for (const head of [5, 7, 9]) lists.push(0, head, head, head);
    expect(lists.head[lists.find(0, 7)]).toBe(7);
    expect(lists.find(0, 8)).toBe(-1);
    expect(lists.find(1, 5)).toBe(-1);
  });
});

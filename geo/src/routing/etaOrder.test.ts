import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByKey } from './etaOrder';

describe('sortByKey', () => {
  it('orders indices as a stable sort by key then id does, ties and repeated ids included', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), id: fc.constantFrom('a', 'b', 'c', 'v10', 'v9') }), { maxLength: 300 }), (items) => {
        const keys = Float64Array.from(items, (item) => item.key / 4);
        const indices = Int32Array.from(items, (_, i) => i);
        sortByKey(indices, items.length, keys, items);
        const expected = items.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || (items[a]!.id < items[b]!.id ? -1 : items[a]!.id > items[b]!.id ? 1 : 0));
        expect([...indices]).toEqual(expected);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});

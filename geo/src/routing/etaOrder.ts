/*
 * The order of a ranking without a comparator call per pair of result objects: the ETAs sit in a typed array and
 * the sources' indices are merge-sorted by them (stable, n log n whatever the input), the id breaking a tie as
 * the rankings always did. Buffers are kept across calls (rankings are synchronous).
 */

let order = new Int32Array(1024);
let scratch = new Int32Array(1024);
let seconds = new Float64Array(1024);
let metres = new Float64Array(1024);
let endTime = new Float64Array(2048);
let endDistance = new Float64Array(2048);

/** Per-source seconds and metres (by source index) and the list of reachable indices, for `count` sources. */
export function rankingBuffers(count: number): { order: Int32Array; seconds: Float64Array; metres: Float64Array; endTime: Float64Array; endDistance: Float64Array } {
  if (order.length < count) {
    const capacity = Math.max(count, order.length * 2);
    order = new Int32Array(capacity);
    scratch = new Int32Array(capacity);
    seconds = new Float64Array(capacity);
    metres = new Float64Array(capacity);
    endTime = new Float64Array(capacity * 2);
    endDistance = new Float64Array(capacity * 2);
  }
  return { order, seconds, metres, endTime, endDistance };
}

/** Sorts indices[0 .. count-1] by key[index], ties by ids[index].id (then by position: stable). */
export function sortByKey(indices: Int32Array, count: number, key: Float64Array, ids: readonly { id: string }[]): void {
  // Insertion sort of short runs, then bottom-up merges between indices and the scratch buffer; each element's key
  // is read once per step (a comparator function over both reads twice as much).
  const RUN = 8;
  for (let start = 0; start < count; start += RUN) {
    const end = Math.min(start + RUN, count);
    for (let i = start + 1; i < end; i++) {
      const x = indices[i]!;
      const kx = key[x]!;
      let j = i - 1;
      for (; j >= start; j--) {
        const y = indices[j]!;
        const ky = key[y]!;
        if (kx < ky || (kx === ky && ids[x]!.id < ids[y]!.id)) indices[j + 1] = y;
        else break;
      }
      indices[j + 1] = x;
    }
  }
  if (scratch.length < count) scratch = new Int32Array(Math.max(count, scratch.length * 2));
  let from: Int32Array = indices;
  let to: Int32Array = scratch;
  for (let width = RUN; width < count; width *= 2) {
    for (let lo = 0; lo < count; lo += 2 * width) {
      const mid = Math.min(lo + width, count);
      const hi = Math.min(lo + 2 * width, count);
      let i = lo;
      let j = mid;
      let k = lo;
      if (j < hi) {
        let a = from[i]!;
        let b = from[j]!;
        let ka = key[a]!;
        let kb = key[b]!;
        for (;;) {
          // The right run's element goes first only when strictly before: equal ones keep their order.
          if (kb < ka || (kb === ka && ids[b]!.id < ids[a]!.id)) {
            to[k++] = b;
            if (++j >= hi) break;
            b = from[j]!;
            kb = key[b]!;
          } else {
            to[k++] = a;
            if (++i >= mid) break;
            a = from[i]!;
            ka = key[a]!;
          }
        }
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from !== indices) indices.set(from.subarray(0, count));
}

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
  const before = (a: number, b: number): boolean => {
    const ka = key[a]!;
    const kb = key[b]!;
    if (ka !== kb) return ka < kb;
    return ids[a]!.id < ids[b]!.id;
  };
  // Insertion sort of short runs, then bottom-up merges between indices and the scratch buffer.
  const RUN = 16;
  for (let start = 0; start < count; start += RUN) {
    const end = Math.min(start + RUN, count);
    for (let i = start + 1; i < end; i++) {
      const x = indices[i]!;
      let j = i - 1;
      while (j >= start && before(x, indices[j]!)) {
        indices[j + 1] = indices[j]!;
        j--;
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
      while (i < mid && j < hi) to[k++] = before(from[j]!, from[i]!) ? from[j++]! : from[i++]!;
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  if (from !== indices) indices.set(from.subarray(0, count));
}

/** A larger copy of a typed array keeping its first `keep` entries (all of them by default). */
export function grown<T extends Int32Array | Float64Array | Uint8Array>(array: T, capacity: number, keep = array.length): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array.subarray(0, keep));
  return copy;
}

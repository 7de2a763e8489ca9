/**
 * A binary min-heap of (seconds, vertex) pairs on typed arrays, for the Dijkstra-style searches: no allocation per
 * push or pop, grown (doubled) only when a search pushes more than it was sized for. Lazy deletion is the caller's:
 * a vertex may be pushed again with a better key, and a popped stale entry is skipped by its settled mark.
 */
export class VertexHeap {
  private keys: Float64Array;
  private vertices: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity));
    this.vertices = new Int32Array(this.keys.length);
  }

  /** The smallest key; only while size > 0. */
  get topKey(): number {
    return this.keys[0]!;
  }

  get byteLength(): number {
    return this.keys.byteLength + this.vertices.byteLength;
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, vertex: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const vertices = this.vertices;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      keys[i] = pk;
      vertices[i] = vertices[parent]!;
      i = parent;
    }
    keys[i] = key;
    vertices[i] = vertex;
  }

  /** Removes and returns the vertex of the smallest key; only while size > 0. */
  pop(): number {
    const keys = this.keys;
    const vertices = this.vertices;
    const top = vertices[0]!;
    const size = --this.size;
    if (size > 0) {
      const key = keys[size]!;
      const vertex = vertices[size]!;
      let i = 0;
      const half = size >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        let ck = keys[child]!;
        if (child + 1 < size && keys[child + 1]! < ck) ck = keys[++child]!;
        if (ck >= key) break;
        keys[i] = ck;
        vertices[i] = vertices[child]!;
        i = child;
      }
      keys[i] = key;
      vertices[i] = vertex;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const vertices = new Int32Array(keys.length);
    vertices.set(this.vertices);
    this.keys = keys;
    this.vertices = vertices;
  }
}

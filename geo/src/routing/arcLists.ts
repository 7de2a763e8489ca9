import { grown } from './typedArrays';

/**
 * Per-vertex lists of arcs (head, weight, length) for the contraction: one pool of typed arrays holding a block per
 * vertex (a power-of-two capacity), a full block moved to one twice its size and the old one kept on a free list
 * of its size for the next vertex that needs one. The hierarchy builder used a number[] per vertex and field
 * (six million JS arrays on a province): the garbage collector then held the server's event loop for hundreds of
 * milliseconds at a time during a background build. The lists keep exactly the order the arrays had (append at
 * the end, removal by moving the last arc into the gap), so the contraction, and the hierarchy, stay the same.
 */
export class ArcLists {
  /** Vertex v's arcs are head/weight/length[start[v] .. start[v] + size[v] - 1] (start -1: no block yet). */
  readonly start: Int32Array;
  readonly size: Int32Array;
  private readonly sizeClass: Uint8Array;
  head: Int32Array;
  weight: Float64Array;
  length: Float64Array;
  private used = 0;
  /** First free block of each size class (-1: none), the next one's start kept in head[] of the free block. */
  private readonly free = new Int32Array(32).fill(-1);

  constructor(vertices: number, capacity: number) {
    this.start = new Int32Array(vertices).fill(-1);
    this.size = new Int32Array(vertices);
    this.sizeClass = new Uint8Array(vertices);
    const slots = Math.max(16, capacity);
    this.head = new Int32Array(slots);
    this.weight = new Float64Array(slots);
    this.length = new Float64Array(slots);
  }

  /** Slots in the pool (what the lists hold plus free blocks plus what is unused at the end). */
  get capacity(): number {
    return this.head.length;
  }

  push(v: number, head: number, weight: number, length: number): void {
    let s = this.start[v]!;
    const k = this.size[v]!;
    if (s < 0) {
      s = this.start[v] = this.allocate(MIN_CLASS);
      this.sizeClass[v] = MIN_CLASS;
    } else if (k === 1 << this.sizeClass[v]!) {
      const c = this.sizeClass[v]! + 1;
      const moved = this.allocate(c);
      this.head.copyWithin(moved, s, s + k);
      this.weight.copyWithin(moved, s, s + k);
      this.length.copyWithin(moved, s, s + k);
      this.release(s, c - 1);
      s = this.start[v] = moved;
      this.sizeClass[v] = c;
    }
    this.head[s + k] = head;
    this.weight[s + k] = weight;
    this.length[s + k] = length;
    this.size[v] = k + 1;
  }

  /** The pool index of v's arc to `head`, or -1. */
  find(v: number, head: number): number {
    const s = this.start[v]!;
    for (let i = s, end = s + this.size[v]!; i < end; i++) if (this.head[i] === head) return i;
    return -1;
  }

  /** Removes v's arc to `head` (if any), the last arc moving into its place. */
  remove(v: number, head: number): void {
    const i = this.find(v, head);
    if (i < 0) return;
    const last = this.start[v]! + --this.size[v]!;
    this.head[i] = this.head[last]!;
    this.weight[i] = this.weight[last]!;
    this.length[i] = this.length[last]!;
  }

  /** Drops all of v's arcs and gives its block back. */
  clear(v: number): void {
    const s = this.start[v]!;
    if (s < 0) return;
    this.release(s, this.sizeClass[v]!);
    this.start[v] = -1;
    this.size[v] = 0;
  }

  private allocate(c: number): number {
    const reused = this.free[c]!;
    if (reused >= 0) {
      this.free[c] = this.head[reused]!;
      return reused;
    }
    const s = this.used;
    const needed = s + (1 << c);
    if (needed > this.head.length) {
      // Rare (the pool starts at the original arcs' size with room): 1.5 × keeps the copies few and the waste small.
      const capacity = Math.max(needed, Math.ceil(this.head.length * 1.5));
      this.head = grown(this.head, capacity, s);
      this.weight = grown(this.weight, capacity, s);
      this.length = grown(this.length, capacity, s);
    }
    this.used = needed;
    return s;
  }

  private release(s: number, c: number): void {
    this.head[s] = this.free[c]!;
    this.free[c] = s;
  }
}

/** Smallest block: four arcs, what most road vertices have in each direction. */
const MIN_CLASS = 2;

import type { VehiclePositionDto } from '@dispatch/protocol';

/**
 * Hands stored positions out per commit batch: what one write committed (its newest position of each vehicle that
 * moved) goes to the consoles right after the commit, in the same turn of the event loop, not after a fixed
 * interval. A 100 ms coalescing timer was the largest part of a fix's way to the consoles (bench:doors, memoryProbe's
 * `drained` stage: ~45 ms at p50, up to the whole interval at the tail), and the consoles need no spacing of their
 * own: they draw what arrived once per animation frame (console/src/realtime/connection.ts). Batches pushed in the
 * same turn are merged (newest device time per vehicle wins). `minGapMs` keeps a minimum spacing between emissions
 * where a receiver needs one: what is pushed sooner is held, merged, and handed out once the spacing has passed.
 * An emission that answers a promise (the rooms' lookup may wait for the fleet state) is let finish before the next:
 * what comes meanwhile is merged, so a stalled lookup holds one position per vehicle, never a queue of batches.
 */
export class PositionFanout {
  private readonly latest = new Map<string, VehiclePositionDto>();
  private timer: NodeJS.Timeout | undefined;
  private queued = false;
  private lastEmit = 0;
  private closed = false;
  /** An emission is still under way (its promise not settled). */
  private emitting = false;

  constructor(
    private readonly emit: (positions: VehiclePositionDto[]) => void | Promise<void>,
    private readonly minGapMs = 0,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  push(positions: VehiclePositionDto[]): void {
    if (this.closed) return;
    for (const p of positions) {
      const held = this.latest.get(p.vehicleId);
      if (!held || Date.parse(held.deviceTime) <= Date.parse(p.deviceTime)) this.latest.set(p.vehicleId, p);
    }
    if (this.latest.size === 0 || this.timer || this.queued || this.emitting) return;
    const wait = this.lastEmit + this.minGapMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.drain(), wait);
    } else {
      // After the current task (the commit's callback), so the batches it pushes go out as one message.
      this.queued = true;
      queueMicrotask(() => this.drain());
    }
  }

  /** Stops the timer; what is held is dropped (the consoles resynchronise from the REST fleet list). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.latest.clear();
  }

  private drain(): void {
    this.timer = undefined;
    this.queued = false;
    if (this.latest.size === 0 || this.closed) return;
    const batch = [...this.latest.values()];
    this.latest.clear();
    this.lastEmit = Date.now();
    let emitted: void | Promise<void>;
    try {
      emitted = this.emit(batch);
    } catch (error) {
      this.onError(error);
      return;
    }
    // A receiver typed `void` may still answer a value (an arrow's push count): only a promise is waited for.
    if (!(emitted instanceof Promise)) return;
    this.emitting = true;
    emitted.catch(this.onError).finally(() => {
      this.emitting = false;
      if (this.latest.size > 0 && !this.closed) this.push([]);
    });
  }
}

import type { VehiclePositionDto } from '@dispatch/protocol';

/**
 * Coalesces stored positions per vehicle and hands them out at most once per interval: a console gets one
 * message with the newest position of each vehicle that moved, not one message per fix. The first batch
 * after a quiet spell goes out on the next tick, so a lone fix is not held back by the interval.
 */
export class PositionFanout {
  private readonly latest = new Map<string, VehiclePositionDto>();
  private timer: NodeJS.Timeout | undefined;
  private lastEmit = 0;
  private closed = false;

  constructor(
    private readonly emit: (positions: VehiclePositionDto[]) => void,
    private readonly intervalMs = 100,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  push(positions: VehiclePositionDto[]): void {
    if (this.closed) return;
    for (const p of positions) {
      const held = this.latest.get(p.vehicleId);
      if (!held || Date.parse(held.deviceTime) <= Date.parse(p.deviceTime)) this.latest.set(p.vehicleId, p);
    }
    if (this.latest.size > 0 && !this.timer) {
      const wait = Math.max(0, this.lastEmit + this.intervalMs - Date.now());
      this.timer = setTimeout(() => this.drain(), wait);
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
    if (this.latest.size === 0) return;
    const batch = [...this.latest.values()];
    this.latest.clear();
    this.lastEmit = Date.now();
    try {
      this.emit(batch);
    } catch (error) {
      this.onError(error);
    }
  }
}

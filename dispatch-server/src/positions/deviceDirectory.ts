import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const sql = sqlFile(new URL('./devices.sql', import.meta.url), {
  vehicleOfDevice: { params: z.object({ deviceId: z.string() }), row: z.object({ id: z.string() }) },
});

interface Entry {
  vehicleId: Promise<string | null>;
  expires: number;
}

/**
 * Which vehicle a device id (OsmAnd/Traccar `id`, GPS unit) is bound to, cached briefly: every position
 * asks, and a fleet reporting every few seconds must not cost a query each. Unknown ids are cached too
 * (shorter), so a misconfigured phone retrying in a loop costs nothing; binding a device forgets its entry.
 */
export class DeviceDirectory {
  private readonly entries = new Map<string, Entry>();

  /** @param tellPeers passes `forget` on to the other server processes (realtime/peers.ts) */
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
    private readonly unknownTtlMs = 5_000,
    private readonly tellPeers: (deviceId: string) => void = () => undefined,
  ) {}

  /** The bound vehicle's id, or null when no vehicle has this device id. */
  vehicleFor(deviceId: string): Promise<string | null> {
    const now = Date.now();
    const cached = this.entries.get(deviceId);
    if (cached && cached.expires > now) return cached.vehicleId;
    const entry: Entry = { vehicleId: this.lookup(deviceId), expires: now + this.ttlMs };
    this.entries.set(deviceId, entry);
    entry.vehicleId.then(
      (id) => {
        if (id === null) entry.expires = Math.min(entry.expires, now + this.unknownTtlMs);
      },
      // A failed lookup is not an answer: the next request asks the database again.
      () => this.entries.get(deviceId) === entry && this.entries.delete(deviceId),
    );
    if (this.entries.size > 100_000) this.evictExpired(now);
    return entry.vehicleId;
  }

  /** Forgets the device's entry here and on the other processes (its binding changed). */
  forget(deviceId: string): void {
    this.entries.delete(deviceId);
    this.tellPeers(deviceId);
  }

  /** Forgets the device's entry here (another process changed its binding). */
  forgetHere(deviceId: string): void {
    this.entries.delete(deviceId);
  }

  private async lookup(deviceId: string): Promise<string | null> {
    return (await sql.vehicleOfDevice.one(this.db, { deviceId }))?.id ?? null;
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}

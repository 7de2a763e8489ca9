import { type Db, sqlFile } from '@dispatch/db';
import { z } from 'zod';

const sql = sqlFile(new URL('./devices.sql', import.meta.url), {
  vehiclesOfDevices: { params: z.object({ deviceIds: z.array(z.string()) }), row: z.object({ id: z.string(), deviceId: z.string() }) },
});

interface Entry {
  vehicleId: Promise<string | null>;
  expires: number;
  /** The answer once the lookup has come back: an expired entry with one is served while it is read again. */
  known?: { vehicleId: string | null };
  refreshing?: boolean;
}

interface Waiter {
  resolve: (vehicleId: string | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Which vehicle a device id (OsmAnd/Traccar `id`, GPS unit) is bound to, cached briefly: every position
 * asks, and a fleet reporting every few seconds must not cost a query each. Unknown ids are cached too
 * (shorter), so a misconfigured phone retrying in a loop costs nothing; binding a device forgets its entry.
 * The ids asked in one turn of the event loop are looked up in one query, and an expired answer is given while it is
 * read again: a fleet's devices, first seen within seconds, all expired together, and their thousands of lookups at
 * once (one query and pool connection each, ahead of the position writes) held every device's answer (bench:doors).
 */
export class DeviceDirectory {
  private readonly entries = new Map<string, Entry>();
  private asked = new Map<string, Waiter[]>();

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
    if (cached && (cached.expires > now || cached.known)) {
      if (cached.expires <= now && !cached.refreshing) this.refresh(deviceId, cached);
      return cached.vehicleId;
    }
    const entry: Entry = { vehicleId: this.lookup(deviceId), expires: now + this.ttlMs };
    this.entries.set(deviceId, entry);
    entry.vehicleId.then(
      (id) => {
        entry.known = { vehicleId: id };
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

  /** Reads an expired entry again; until then it is served as it was (unless forgotten meanwhile). */
  private refresh(deviceId: string, stale: Entry): void {
    stale.refreshing = true;
    const asked = Date.now();
    this.lookup(deviceId).then(
      (id) => {
        if (this.entries.get(deviceId) !== stale) return;
        const expires = asked + (id === null ? this.unknownTtlMs : this.ttlMs);
        this.entries.set(deviceId, { vehicleId: Promise.resolve(id), expires, known: { vehicleId: id } });
      },
      () => void (stale.refreshing = false),
    );
  }

  /** One query for every id asked in this turn of the event loop. */
  private lookup(deviceId: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (this.asked.size === 0) setImmediate(() => void this.lookupAsked());
      const waiters = this.asked.get(deviceId);
      if (waiters) waiters.push({ resolve, reject });
      else this.asked.set(deviceId, [{ resolve, reject }]);
    });
  }

  private async lookupAsked(): Promise<void> {
    const asked = this.asked;
    this.asked = new Map();
    try {
      const rows = await sql.vehiclesOfDevices.rows(this.db, { deviceIds: [...asked.keys()] });
      const vehicles = new Map(rows.map((r) => [r.deviceId, r.id]));
      for (const [deviceId, waiters] of asked) for (const w of waiters) w.resolve(vehicles.get(deviceId) ?? null);
    } catch (error) {
      for (const waiters of asked.values()) for (const w of waiters) w.reject(error);
    }
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}

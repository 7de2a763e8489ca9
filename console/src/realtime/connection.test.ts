import type { ApiClient, IncidentDto, VehicleDto } from '@dispatch/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection } from './connection';

/** The server's answers, the incidents' list held until the test lets it go (a slow snapshot read). */
function slowSnapshotApi(incidents: IncidentDto[], vehicles: VehicleDto[]) {
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  const api = {
    call: async (name: string) => {
      if (name === 'listIncidents') {
        await released;
        return incidents;
      }
      if (name === 'listVehicles') return vehicles;
      if (name === 'liveCoverage') return null;
      return [];
    },
  } as unknown as ApiClient;
  return { api, release };
}

const incident = (id: string, status: IncidentDto['status']) => ({ id, status, assignments: [] }) as unknown as IncidentDto;
const vehicle = (id: string) => ({ id, lastPosition: null }) as unknown as VehicleDto;

describe('the console connection', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('keeps what events brought while a snapshot was read, over the snapshot read before them', async () => {
    // The snapshot was read before call 2 was taken and before call 1 was cancelled, and before vehicle B was deleted.
    const { api, release } = slowSnapshotApi([incident('1', 'open')], [vehicle('A'), vehicle('B')]);
    const connection = new Connection(api, 'token', 'dispatcher', () => undefined);
    const resync = connection.resync();
    connection.apply('incidents', incident('2', 'open'));
    connection.apply('incidents', incident('1', 'cancelled'));
    (connection as unknown as { forget(change: { kind: string; id: string; deleted: boolean }): void }).forget({ kind: 'vehicle', id: 'B', deleted: true });
    release();
    await resync;
    const state = connection.getState();
    expect([...state.incidents.values()].map((i) => [i.id, i.status])).toEqual([['1', 'cancelled'], ['2', 'open']]);
    expect([...state.vehicles.keys()]).toEqual(['A']);

    // Once the snapshot is in, events are applied on it alone: the next snapshot replaces them again.
    const next = slowSnapshotApi([incident('3', 'open')], []);
    (connection as unknown as { api: ApiClient }).api = next.api;
    const second = connection.resync();
    next.release();
    await second;
    expect([...connection.getState().incidents.keys()]).toEqual(['3']);
  });
});

import { createServer, type Server as HttpServer } from 'node:http';
import { VehicleCentres } from '../centres/centres';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Db } from '@dispatch/db';
import { packPosition, type PackedPosition } from '@dispatch/protocol';
import type { FleetState } from '../fleet/fleetState';
import type { Handlers } from '../http/mountRoutes';
import type { Logger } from '../logger';
import type { Gateway } from '../realtime/gateway';
import type { StreamsAdapter } from '../realtime/streamsAdapter';
import { bindVehicleDevice } from './bindDevice';
import { DeviceDirectory } from './deviceDirectory';
import { maintainPositionPartitions, PositionIngestor } from './ingestPositions';
import { closeKeptAlive, keepDevicesConnected, OSMAND_API_PATHS, OSMAND_PORT_PATHS, osmandAhead, osmandDoor, type OsmandDeps, type RequestListener } from './osmandDoor';
import { PositionFanout } from './positionFanout';

/**
 * Positions to the consoles in `rooms`: this process's consoles at once, the other processes' through the adapter.
 * A broadcast through the Redis-stream adapter reaches even this process's own sockets only once its append to the
 * stream has come back, and a batch of a few hundred positions is a large append: under load, that round trip was a
 * third of a fix's way to the consoles (bench:doors, memoryProbe's stages). So the local sockets are written directly
 * and left out of the adapter's broadcast (by their ids, which no other process has). Positions then carry no
 * recovery offset for these consoles: a reconnecting console gets the fleet's positions from the REST list anyway.
 */
export function emitHereFirst(io: Gateway, rooms: string[], positions: PackedPosition[], peers?: PeerWatch): void {
  io.local.to(rooms).emit('vehicle.positionsUpdated', positions);
  // No other process to hear it: the stream's append (a JSON copy of the batch into Redis, read back by this
  // process's own stream reader) would serve nobody, not even a reconnecting console (see above).
  if (peers?.alone) return;
  const here: string[] = [];
  const local = io.of('/').adapter.rooms;
  for (const room of rooms) for (const id of local.get(room) ?? []) here.push(id);
  io.to(rooms).except(here).emit('vehicle.positionsUpdated', positions);
}

/** Whether this server process is the only one on the socket.io adapter, as last asked. */
export interface PeerWatch {
  readonly alone: boolean;
  /** Asks now; resolves with the answer. */
  refresh(): Promise<boolean>;
  stop(): void;
}

/**
 * Asks every `everyMs` whether this process is alone on the adapter: `ask` (the Redis stream's, which also checks the
 * one subscriber is this process: StreamsAdapter.alone), else the adapter's count of processes (the in-memory adapter
 * is always alone). A second process subscribes when
 * it starts, so this one sees it within `everyMs` and appends positions to the stream again from then on; in that
 * window the newcomer's consoles miss this process's fixes, which the fleet list they read on connecting and each
 * vehicle's next fix (seconds later) make good. A count of 0 (own subscription not up yet) or a failed question is
 * "not alone": the broadcast goes through the adapter as before. Not asked at once: this process's own subscription is
 * still being set up then, and with one other process a count of 1 would be misread as alone.
 */
export function watchPeers(io: Gateway, everyMs = 1000, ask: () => Promise<boolean> = () => io.of('/').adapter.serverCount().then((n) => n === 1)): PeerWatch {
  let alone = false;
  const refresh = () =>
    ask().then(
      (answer) => (alone = answer),
      () => (alone = false),
    );
  const timer = setInterval(() => void refresh(), everyMs);
  timer.unref();
  return {
    get alone() {
      return alone;
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}

/** Binds or (null) unbinds a vehicle's device id, forgetting the cached lookups of both ids. */
export const vehicleDeviceHandlers = (db: Db, devices: DeviceDirectory): Handlers<'bindVehicleDevice'> => ({
  bindVehicleDevice: async ({ params, body }, { actor }) => {
    const binding = await bindVehicleDevice(db, actor, params.id, body);
    if (binding.previousDeviceId) devices.forget(binding.previousDeviceId);
    if (binding.deviceId) devices.forget(binding.deviceId);
    return { vehicleId: binding.vehicleId, deviceId: binding.deviceId };
  },
});

export interface OsmandServer {
  http: HttpServer;
  port: number;
  close(): Promise<void>;
}

/**
 * The OsmAnd endpoint on a port of its own, as Traccar serves it on 5055: at `/` (what the apps post to when
 * given `http://host:5055`) and at `/osmand`. Resolves once listening; rejects if the port cannot be opened.
 */
export async function startOsmandServer(port: number, deps: OsmandDeps & { host?: string }): Promise<OsmandServer> {
  const http = keepDevicesConnected(createServer(osmandDoor(deps, OSMAND_PORT_PATHS)));
  await new Promise<void>((listening, failed) => {
    http.once('error', failed);
    http.listen(port, deps.host ?? '127.0.0.1', () => {
      http.off('error', failed);
      listening();
    });
  });
  return {
    http,
    port: (http.address() as AddressInfo).port,
    close: () => closeKeptAlive(http),
  };
}

export interface Positions {
  ingestor: PositionIngestor;
  devices: DeviceDirectory;
  fanout: PositionFanout;
  /**
   * The API port's request listener: `/osmand` (outside `/api`: Traccar clients post to the server's root paths)
   * answered by the bare OsmAnd door, everything else by `next` (the express application).
   */
  osmandAhead(next: RequestListener): RequestListener;
  /** The admin device binding, for the route table. */
  deviceHandlers: Handlers<'bindVehicleDevice'>;
  /**
   * Sends stored positions to the dispatchers' consoles (every process: each writes what it receives), keeps the
   * partitions ahead, and opens OSMAND_PORT unless told this process has no `ingest` role.
   */
  start(io: Gateway, ingest?: boolean, alone?: StreamsAdapter['alone']): void;
  /** The separate OsmAnd port once open; null when it could not be opened (the API port's /osmand still works). */
  osmandServer(): Promise<OsmandServer | null>;
  /** Closes the OsmAnd port, writes what is waiting, stops the timers. Call before closing the database. */
  close(): Promise<void>;
}

/** Position ingestion for one server process: batched writes, per-vehicle fan-out, both OsmAnd endpoints. */
/**
 * @param fleet the live fleet in memory: which centres hear of each vehicle
 * @param tellPeers passes a device binding's change on to the other server processes (realtime/peers.ts)
 */
export function createPositions({ config, db, fleet, log, tellPeers }: { config: Config; db: Db; fleet: FleetState; log: Logger; tellPeers?: (deviceId: string) => void }): Positions {
  let fanoutTarget: Gateway | undefined;
  let peers: PeerWatch | undefined;
  // Each centre's consoles get their own fleet's positions and those of the vehicles helping on their calls (issue 15),
  // the province room every centre's.
  const centres = new VehicleCentres(fleet);
  // One emission at a time (the fan-out holds what comes meanwhile), so batches go out in order even when one waits for
  // the fleet state.
  const fanout = new PositionFanout(
    async (positions) => {
      if (!fanoutTarget) return;
      const io = fanoutTarget;
      for (const group of await centres.byRooms(positions)) emitHereFirst(io, group.rooms, group.items.map(packPosition), peers);
    },
    // Each commit batch at once: the consoles draw once per animation frame whatever arrives between.
    0,
    (err) => log.error({ err }, 'position fan-out failed'),
  );
  const ingestor = new PositionIngestor(db, {
    onStored: (latest) => fanout.push(latest),
    onError: (err) => log.error({ err }, 'position fan-out failed'),
  });
  const devices = new DeviceDirectory(db, undefined, undefined, tellPeers);
  const deps: OsmandDeps = { ingestor, devices, log };
  let server: Promise<OsmandServer | null> = Promise.resolve(null);
  let partitions: ReturnType<typeof maintainPositionPartitions> | undefined;

  return {
    ingestor,
    devices,
    fanout,
    osmandAhead: (next) => osmandAhead(osmandDoor(deps, OSMAND_API_PATHS), next),
    deviceHandlers: vehicleDeviceHandlers(db, devices),
    start(io, ingest = true, alone) {
      fanoutTarget = io;
      peers = watchPeers(io, 1000, alone && (() => alone(io)));
      partitions = maintainPositionPartitions(db, (err) => log.error({ err }, 'creating position partitions failed'));
      if (!ingest) return;
      server = startOsmandServer(config.OSMAND_PORT, { ...deps, host: config.HOST }).then(
        (s) => {
          log.info({ port: s.port }, 'OsmAnd/Traccar position port listening');
          return s;
        },
        (err: Error) => {
          // Positions still arrive at /osmand on the API port; one busy port must not stop the dispatch centre.
          log.error({ err: err.message, port: config.OSMAND_PORT }, 'OSMAND_PORT could not be opened; OsmAnd clients can use /osmand on the API port');
          return null;
        },
      );
    },
    osmandServer: () => server,
    async close() {
      await (await server)?.close();
      await ingestor.close();
      fanout.close();
      peers?.stop();
      await partitions?.stop();
    },
  };
}

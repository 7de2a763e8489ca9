import type { Db } from '@dispatch/db';
import type { FleetState } from './fleet/fleetState';
import type { Logger } from './logger';
import type { Outbox } from './outbox/outbox';
import type { Publisher } from './realtime/publisher';
import type { Timers } from './timers/timers';
import type { TravelService } from './travel/travelService';

export interface DispatchPolicy {
  /** Seconds a crew has to acknowledge an assignment. */
  ackTimeoutS: number;
  /** Seconds a hospital has to acknowledge a notice. */
  hospitalAckTimeoutS: number;
  /** A GPS fix older than this is stale. */
  staleAfterSeconds: number;
  /** Search bound for rankings. */
  maxSeconds: number;
  /** Red hospitals are skipped unless no open one is reachable within this. */
  diversionBoundSeconds: number;
  /** A scarce vehicle goes first for a call that does not need it only when it gains more than this. */
  scarceMarginSeconds: number;
  /** Seconds a call of priority 1, 2, 3, 4 may wait without a vehicle before the consoles sound the `unassigned` alert. */
  unassignedAlertS: number[];
}

/** What the dispatch commands need; routes, socket handlers and timer jobs pass the same one. */
export interface DispatchContext {
  db: Db;
  events: Publisher;
  travel: TravelService;
  /** The live fleet in memory (vehicles, tasks, positions, stations, hospitals), in step with the database. */
  fleet: FleetState;
  timers: Timers;
  /** Delivers the side effects a command wrote to the outbox in its transaction. */
  outbox: Outbox;
  log: Logger;
  policy: DispatchPolicy;
}

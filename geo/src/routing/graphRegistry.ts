import { type Db, sqlFile } from '@dispatch/db';
import pg from 'pg';
import { z } from 'zod';
import { attachHierarchy, buildHierarchy, hierarchyOf, type ContractionHierarchy } from './contractionHierarchy';
import { attachLandmarks, buildLandmarks } from './landmarks';
import { loadRoadGraph, NoRoadNetworkError, type RoadGraph } from './roadGraph';

const sql = sqlFile(new URL('./graphRegistry.sql', import.meta.url), {
  latestRegion: { row: z.object({ name: z.string() }) },
  listen: {},
});

export const ROAD_NETWORK_CHANNEL = 'road_network_changed';

/**
 * One in-memory graph per region, loaded on first use and reloaded when the importer announces a new network
 * (`NOTIFY road_network_changed, '<region>'`). It listens on a dedicated connection of its own, opened from
 * the pool's settings, so that no pool client is held forever. If that connection drops, notifications may
 * have been missed, so every cached graph is dropped and the next call reconnects and reloads.
 */
export class GraphRegistry {
  private readonly graphs = new Map<string, Promise<RoadGraph>>();
  private defaultRegion: Promise<string> | null = null;
  private listener: Promise<pg.Client> | null = null;
  private closed = false;
  /** Notifications may have been missed while not listening: drop the cache once listening again. */
  private missed = false;
  private readonly changeListeners = new Set<(region: string) => void>();
  /** The hierarchy build of each region's cached graph, stopped when the graph is dropped. */
  private readonly builds = new Map<string, { graph: RoadGraph; abort: AbortController; done: Promise<ContractionHierarchy | null> }>();

  /**
   * With `preprocess` (the default) every loaded graph gets its contraction hierarchy built in the background
   * (slices of a few ms between which the event loop runs); rankings use the plain search until it is attached.
   */
  constructor(
    private readonly db: Db,
    private readonly options: { preprocess?: boolean; onPreprocessed?: (hierarchy: ContractionHierarchy) => void } = {},
  ) {}

  /** The graph of a region, or of the most recently updated region when none is named. */
  async get(region?: string): Promise<RoadGraph> {
    if (this.closed) throw new Error('the graph registry is closed');
    // Without the listener (database briefly unreachable) a cached graph still serves: routing on the last
    // known network beats no routing; the next call tries to listen again.
    await this.listen().catch(() => undefined);
    const name = region ?? (await this.resolveDefaultRegion());
    if (this.closed) throw new Error('the graph registry is closed');
    let graph = this.graphs.get(name);
    if (!graph) {
      graph = loadRoadGraph(this.db, name);
      this.graphs.set(name, graph);
      const loaded = graph;
      if (this.options.preprocess !== false) void loaded.then((g) => this.preprocess(name, loaded, g), () => undefined);
      // A failed load (no such region, database down) must not stick: the next call tries again.
      graph.catch(() => {
        if (this.graphs.get(name) === graph) this.graphs.delete(name);
      });
    }
    return graph;
  }

  /**
   * The hierarchy of a region's current graph once it is built (null when preprocessing is off or the graph
   * was replaced meanwhile): for tests and benchmarks that must not measure the plain search by mistake.
   */
  async preprocessed(region?: string): Promise<ContractionHierarchy | null> {
    for (;;) {
      const graph = await this.get(region);
      const build = this.builds.get(graph.region);
      // A build still running (its landmarks, after the hierarchy is attached) is waited for.
      const hierarchy = build?.graph === graph ? await build.done : hierarchyOf(graph);
      // Replaced meanwhile (a re-import's note came while it was preprocessed): the graph served now is waited for.
      if (hierarchy || this.closed || (await this.get(region)) === graph) return hierarchy;
    }
  }

  private preprocess(name: string, loaded: Promise<RoadGraph>, graph: RoadGraph): void {
    if (this.graphs.get(name) !== loaded) return;
    this.stopBuild(name);
    const abort = new AbortController();
    const finished = () => {
      if (this.builds.get(name)?.abort === abort) this.builds.delete(name);
    };
    const done = buildHierarchy(graph, { signal: abort.signal }).then(
      async (hierarchy) => {
        // Only a graph still served gets its hierarchy (a re-import may have replaced it meanwhile).
        if (this.graphs.get(name) !== loaded) {
          finished();
          return null;
        }
        attachHierarchy(hierarchy);
        // Then its landmarks (bounds that let a province's ranking skip centres, landmarks.ts): the rankings are exact
        // without them, so a failure only leaves the straight-line bound.
        await buildLandmarks(hierarchy, { signal: abort.signal }).then((landmarks) => attachLandmarks(hierarchy, landmarks), () => undefined);
        finished();
        if (this.graphs.get(name) !== loaded) return null;
        this.options.onPreprocessed?.(hierarchy);
        return hierarchy;
      },
      () => {
        finished();
        return null;
      },
    );
    this.builds.set(name, { graph, abort, done });
  }

  private stopBuild(region?: string): void {
    for (const [name, build] of this.builds) {
      if (region !== undefined && name !== region) continue;
      build.abort.abort(new Error('the road network was replaced'));
      this.builds.delete(name);
    }
  }

  /** Called with the region's name after a notification made its cached graph stale. */
  onChange(listener: (region: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Drops a region's cached graph (all of them without a name); the next get() loads it again. */
  invalidate(region?: string): void {
    if (region === undefined) this.graphs.clear();
    else this.graphs.delete(region);
    this.stopBuild(region);
    this.defaultRegion = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.graphs.clear();
    this.stopBuild();
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.then((client) => client.end()).catch(() => undefined);
  }

  private async resolveDefaultRegion(): Promise<string> {
    if (!this.defaultRegion) {
      const lookup = sql.latestRegion.one(this.db).then((row) => {
        if (!row) throw new NoRoadNetworkError('no road network has been imported yet: import one first (npm run geo:import)');
        return row.name;
      });
      this.defaultRegion = lookup;
      lookup.catch(() => {
        if (this.defaultRegion === lookup) this.defaultRegion = null;
      });
    }
    return this.defaultRegion;
  }

  private listen(): Promise<pg.Client> {
    // A get() still in flight when the registry closed must not open a listening connection nobody will end.
    if (this.closed) return Promise.reject(new Error('the graph registry is closed'));
    if (this.listener) return this.listener;
    const client = new pg.Client({ ...this.db.options, application_name: 'dispatch120-graph-listener', connectionTimeoutMillis: 5000 });
    const lost = () => {
      if (this.listener !== started) return;
      this.listener = null;
      this.missed = true;
      this.invalidate();
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== ROAD_NETWORK_CHANNEL || !message.payload) return;
      this.invalidate(message.payload);
      for (const listener of this.changeListeners) listener(message.payload);
    });
    const started = (async () => {
      await client.connect();
      // The listener must never keep a process alive that is otherwise shutting down.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      // A client of its own, not a pool's: the statement's text, as Statement.run takes a pool or pool client.
      await client.query(sql.listen.text);
      if (this.missed) {
        this.missed = false;
        this.invalidate();
      }
      return client;
    })();
    this.listener = started;
    started.catch(() => {
      if (this.listener === started) this.listener = null;
      this.missed = true;
      client.end().catch(() => undefined);
    });
    return started;
  }
}

import { openAsBlob } from 'node:fs';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_REGION } from '@dispatch/geo/demo/demoCounty';
import { IMPORT_STAGES, importRoads, type ImportProgress } from '@dispatch/geo/import/importRoads';
import { writeTempFile } from '@dispatch/geo/import/testFiles';
import { roadDataFile, roadDataSuite } from '@dispatch/geo/routing/roadData';
import type { RoadImportJobDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { createRoadImports } from '@dispatch/server/roads/roadImports';
import { openSocket } from '../support/api';
import { demoSuite, serverSuite } from '../support/demoSuite';
import { createLoggedInUser, startTestServer } from '../support/server';
import { until } from '../support/wait';

const shanghai = roadDataFile('shanghai_center.osm.pbf');
const uploads = mkdtempSync(join(tmpdir(), 'road-uploads-'));

/**
 * A road file imported from the browser's way in: uploaded (streamed to the upload folder), imported by a BullMQ job
 * whose progress the console polls, kept off the live network until an administrator makes its region live, and
 * then routed on by the server's graph registry (reloaded by NOTIFY).
 */
describe.skipIf(!shanghai)(roadDataSuite('road network upload, import job and going live', 'shanghai_center.osm.pbf'), () => {
  const { server, clients: [admin], tokens } = demoSuite({ ROAD_UPLOAD_DIR: uploads, ROAD_UPLOAD_MAX_MB: '2' }, 'admin');

  const upload = async (body: Blob | string, query: string, type = 'application/octet-stream') => {
    const res = await fetch(`${server.baseUrl}/api/road-networks/imports?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': type },
      body,
    });
    return { status: res.status, body: (await res.json()) as RoadImportJobDto & { error?: string } };
  };
  /** Polls the job list as the console does until the job has ended. */
  async function finished(id: string): Promise<RoadImportJobDto> {
    let job: RoadImportJobDto | undefined;
    await until(
      async () => {
        job = (await admin.call('listRoadImports')).find((j) => j.id === id);
        return job?.state === 'completed' || job?.state === 'failed';
      },
      `import job ${id} to end`,
      { timeoutMs: 120_000, everyMs: 200 },
    );
    return job!;
  }

  it('imports an uploaded OSM PBF as a job with its report, and keeps the live region until told', async () => {
    const answer = await upload(await openAsBlob(shanghai!), 'region=shanghai-centre&fileName=shanghai_center.osm.pbf');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ region: 'shanghai-centre', fileName: 'shanghai_center.osm.pbf', sizeBytes: 315871, state: 'waiting' });

    const job = await finished(answer.body.id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'completed', progress: { stage: 'swap' } });
    expect(job.report!.edges).toBeGreaterThan(5000);
    expect(job.report!.waysRead).toBeGreaterThanOrEqual(job.report!.ways);
    expect(Object.keys(job.report!.stageMs!)).toEqual([...IMPORT_STAGES]);
    console.log(JSON.stringify({ measured: 'road import from upload', file: 'shanghai_center.osm.pbf', edges: job.report!.edges, durationMs: job.report!.durationMs, stageMs: job.report!.stageMs }));
    // The upload is deleted once imported.
    expect(readdirSync(uploads)).toEqual([]);

    const networks = await admin.call('listRoadNetworks');
    const region = networks.regions.find((r) => r.name === 'shanghai-centre')!;
    expect(region.network).toMatchObject({ sourceName: 'shanghai_center.osm.pbf', format: 'osm_pbf', status: 'ready', edges: job.report!.edges });
    expect(region.network.report).toMatchObject({ durationMs: job.report!.durationMs, skippedWays: job.report!.skippedWays });
    // Imported, not live: the demo county stays the served region (pinned before the import).
    expect(networks.regions.find((r) => r.served)!.name).toBe(DEMO_REGION);
    expect((await admin.call('roadRegion')).name).toBe(DEMO_REGION);
    const audit = await admin.call('audit', { query: { entityType: 'road_network' } });
    expect(audit[0]).toMatchObject({ action: 'roadNetwork.imported', details: { region: 'shanghai-centre', fileName: 'shanghai_center.osm.pbf' } });
    // The job may take the whole 120 s finished() allows: at CI load 28 reading the 316 kB file alone took 35 s.
  }, 150_000);

  it('makes a region live: the map region, routing and the graph registry move to it, and open consoles are told', async () => {
    const console = await openSocket(server.baseUrl, tokens.admin);
    const graphs = server.app.graphs;
    expect((await graphs.get()).edgeCount).toBeLessThan(3000);
    const answer = await admin.call('setLiveRoadRegion', { body: { region: 'shanghai-centre' } });
    expect(answer.regions.find((r) => r.served)).toMatchObject({ name: 'shanghai-centre', pinned: true });
    expect((await admin.call('roadRegion')).name).toBe('shanghai-centre');
    await until(async () => (await graphs.get()).edgeCount > 5000, 'the graph registry to load the live region');
    const route = await admin.call('route', { query: { from: '121.46,31.22', to: '121.50,31.24' } });
    expect(route.region).toBe('shanghai-centre');
    expect(route.distanceM).toBeGreaterThan(3000);

    await admin.call('setLiveRoadRegion', { body: { region: DEMO_REGION } });
    await until(async () => (await graphs.get()).edgeCount < 3000, 'the graph registry to go back to the demo county');
    const audit = await admin.call('audit', { query: { entityType: 'road_region' } });
    expect(audit.map((a) => a.action)).toEqual(['roadRegion.madeLive', 'roadRegion.madeLive']);
    await until(() => console.received.filter((e) => e.event === 'settings.changed').length === 2, 'both changes pushed');
    expect(console.received.filter((e) => e.event === 'settings.changed').map((e) => e.payload)).toEqual([
      { what: 'liveRegion', region: 'shanghai-centre' },
      { what: 'liveRegion', region: DEMO_REGION },
    ]);
    console.close();
  });

  it('imports GeoJSON too, and reports a file it cannot use as a failed job naming why', async () => {
    const line = (coordinates: number[][]) => ({ type: 'Feature', properties: { highway: 'residential', name: '测试路' }, geometry: { type: 'LineString', coordinates } });
    const geojson = JSON.stringify({ type: 'FeatureCollection', features: [line([[111.9, 37.0], [111.91, 37.0]]), line([[111.91, 37.0], [111.91, 37.01]])] });
    const ok = await upload(new Blob([geojson]), 'region=tiny&fileName=tiny.geojson', 'application/geo+json');
    expect(ok.status).toBe(201);
    expect(await finished(ok.body.id)).toMatchObject({ state: 'completed', report: { edges: 2 } });

    const clash = await upload(new Blob([geojson]), 'region=tiny&fileName=tiny.geojson', 'application/geo+json');
    const failed = await finished(clash.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/already exists/);
    const replaced = await upload(new Blob([geojson]), 'region=tiny&fileName=tiny.geojson&replace=true', 'application/geo+json');
    expect(await finished(replaced.body.id)).toMatchObject({ state: 'completed' });
    const history = (await admin.call('listRoadNetworks')).history.filter((n) => n.region === 'tiny');
    expect(history.map((n) => n.status)).toEqual(['ready', 'retired']);
  });

  it('refuses a body that is not a file, an empty one, one over the size limit, or a bad region name, naming it', async () => {
    expect((await upload('{}', 'region=x&fileName=x.pbf', 'application/json')).status).toBe(415);
    expect((await upload(new Blob([]), 'region=x&fileName=x.pbf')).status).toBe(400);
    const big = await upload(new Blob([new Uint8Array(3 * 1024 * 1024)]), 'region=x&fileName=x.pbf');
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/^body: .*larger than 2 MB/);
    const badName = await upload(new Blob(['x']), 'region=Not%20OK&fileName=x.pbf');
    expect(badName.status).toBe(400);
    expect(badName.body.error).toMatch(/^region:/);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('reports every stage of an import in order (what the job shows as progress)', async () => {
    const seen: ImportProgress[] = [];
    const file = writeTempFile('progress.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[111.9, 37.1], [111.92, 37.1]] } }],
    }));
    await importRoads(server.database.db, { file, region: 'progress', onProgress: (p) => seen.push(p) });
    expect([...new Set(seen.map((p) => p.stage))]).toEqual([...IMPORT_STAGES]);
  });
});

describe('road imports on a worker process of their own (ROAD_IMPORT_WORKER=0 on the server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'road-uploads-'));
  const server = serverSuite(() => startTestServer({ ROAD_UPLOAD_DIR: dir, ROAD_IMPORT_WORKER: '0' }));

  it('queues the upload on the server and leaves it to the worker, which imports it', async () => {
    const { api, token } = await createLoggedInUser(server, { username: 'road-admin', role: 'admin' });
    const line = { type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.92, 37.0]] } };
    const res = await fetch(`${server.baseUrl}/api/road-networks/imports?region=apart&fileName=apart.geojson`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/geo+json' },
      body: JSON.stringify({ type: 'FeatureCollection', features: [line] }),
    });
    const job = (await res.json()) as RoadImportJobDto;
    // No worker anywhere yet: the job waits.
    expect((await api.call('listRoadImports')).map((j) => [j.id, j.state])).toEqual([[job.id, 'waiting']]);

    const { config } = server;
    const worker = createRoadImports({
      db: server.database.db, redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, dir, maxBytes: 1048576, work: true, events: { publish: () => undefined }, log: { error: () => undefined, info: () => undefined },
    });
    try {
      await until(async () => (await api.call('listRoadImports'))[0]!.state === 'completed', 'the worker to import it', { timeoutMs: 60_000, everyMs: 200 });
      expect((await api.call('listRoadNetworks')).regions.map((r) => r.name)).toEqual(['apart']);
    } finally {
      await worker.close();
    }
  });
});

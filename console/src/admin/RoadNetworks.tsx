import { useCallback, useEffect, useState } from 'react';
import type { RoadImportJobDto, RoadNetworkDto, RoadNetworksDto } from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import { useLiveContext, useSettingsVersion } from '../realtime/useLive';
import { uploadFile } from './adminFiles';
import { FilePicker } from './FilePicker';
import { useImportWords } from './importWords';

const STAGES = ['reading', 'topology', 'edges', 'vertices', 'components', 'swap'] as const;
/** While a job runs the list is polled at this pace; idle, rarely (see roadAdmin.routes.ts for why polling). */
const POLL_MS = 1000;
const IDLE_POLL_MS = 15_000;

const km = (n: number | null) => (n === null ? '–' : n.toLocaleString(undefined, { maximumFractionDigits: 1 }));
const count = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString());
const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const size = (bytes: number) => (bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`);
const FORMATS = { osm_pbf: 'OSM PBF', osm_xml: 'OSM XML', geojson: 'GeoJSON' } as const;

/** The administrator's road networks: imported regions with their reports, the live one, and imports with progress. */
export function RoadNetworks() {
  const { api, session, connection } = useLiveContext();
  // Another administrator's import or live region arrives as a push: the lists are read again.
  const settingsVersion = useSettingsVersion(connection);
  const { t, lang } = useImportWords();
  const [networks, setNetworks] = useState<RoadNetworksDto | null>(null);
  const [jobs, setJobs] = useState<RoadImportJobDto[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState('');
  const [replace, setReplace] = useState(false);
  const [uploading, setUploading] = useState<number | null>(null);
  const when = (at: string) => new Date(at).toLocaleString(lang, { hour12: false });
  const fail = useCallback((e: unknown) => setError(`${t('requestFailed')}: ${(e as Error).message}`), [t]);

  const refresh = useCallback(async () => {
    const [n, j] = await Promise.all([api.call('listRoadNetworks'), api.call('listRoadImports')]);
    setNetworks(n);
    setJobs(j);
    return j;
  }, [api]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const running = await refresh().then(
        (j) => j.some((job) => job.state === 'waiting' || job.state === 'active'),
        (e: unknown) => (fail(e), false),
      );
      if (!stopped) timer = setTimeout(tick, running ? POLL_MS : IDLE_POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh, fail, uploading, settingsVersion]);

  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    if (chosen && !region) {
      setRegion(chosen.name.toLowerCase().replace(/(\.(osm|pbf|xml|geojson|json))+$/, '').replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64));
    }
  };

  const upload = async () => {
    if (!file) return;
    setError(null);
    setUploading(0);
    try {
      await uploadFile<RoadImportJobDto>('uploadRoadNetwork', { region, fileName: file.name, replace: String(replace) }, file, session.token, setUploading);
      setFile(null);
      setRegion('');
      setReplace(false);
    } catch (e) {
      fail(e);
    } finally {
      setUploading(null);
    }
  };

  const makeLive = async (name: string) => {
    setError(null);
    try {
      setNetworks(await api.call('setLiveRoadRegion', { body: { region: name } }));
      setNotice(t('madeLive', { region: name }));
    } catch (e) {
      fail(e);
    }
  };

  const stages = (report: RoadNetworkDto['report']) =>
    report?.stageMs ? STAGES.map((s) => seconds(report.stageMs?.[s] ?? null)).join(' / ') : '–';

  return (
    <div className="ops-page" data-testid="road-networks">
      {error && <div className="error">{error}</div>}
      {notice && <div className="ops-note" role="status">{notice}</div>}
      {networks?.configuredRegion && <div className="ops-note">{t('configuredRegion', { region: networks.configuredRegion })}</div>}
      <Panel className="ops-panel" title={t('regionsTitle')} testId="road-regions">
        <table className="dense">
          <thead>
            <tr>
              {(['colRegion', 'colSource', 'colWays', 'colSkipped', 'colEdges', 'colOneway', 'colVertices', 'colLength', 'colConnected', 'colDuration', 'colStages', 'colImportedAt'] as const).map((c) => (
                <th key={c}>{t(c)}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {networks?.regions.length === 0 && (
              <tr>
                <td colSpan={13} className="muted">{t('noRegions')}</td>
              </tr>
            )}
            {networks?.regions.map((r) => (
              <tr key={r.name} className={r.served ? 'hl' : ''} data-region={r.name}>
                <td>
                  <b>{r.name}</b> {r.served && <span className="badge live-badge">{t('served')}</span>}
                  {r.network.synthetic && <span className="badge">{t('synthetic')}</span>}
                </td>
                <td>{r.network.sourceName}</td>
                <td className="mono">{count(r.network.ways)}</td>
                <td className="mono" data-testid="road-skipped">
                  {count(r.network.report?.skipped ? r.network.report.skipped.reduce((sum, s) => sum + s.count, 0) : r.network.report?.skippedWays)}
                  {r.network.report?.skipped?.slice(0, 6).map((s) => (
                    <div key={`${s.reason}:${s.kind}`} className="muted small nowrap">
                      {s.count} {t(`skip_${s.reason}`)} ({s.kind})
                    </div>
                  ))}
                </td>
                <td className="mono">{count(r.network.edges)}</td>
                <td className="mono">{count(r.network.report?.onewayEdges)}</td>
                <td className="mono">{count(r.network.vertices)}</td>
                <td className="mono">{km(r.network.lengthKm)}</td>
                <td className="mono">{r.network.largestComponentShare === null ? '–' : `${(r.network.largestComponentShare * 100).toFixed(1)}%`}</td>
                <td className="mono">{seconds(r.network.report?.durationMs)}</td>
                <td className="mono small">{stages(r.network.report)}</td>
                <td>{when(r.network.readyAt ?? r.network.createdAt)}</td>
                <td>
                  {!r.served && (
                    <button type="button" onClick={() => void makeLive(r.name)} data-testid={`make-live-${r.name}`}>
                      {t('makeLive')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {networks?.regions.some((r) => !r.network.synthetic) && <div className="muted small pad">{t('osmAttribution')}</div>}
      </Panel>

      <Panel className="ops-panel" title={t('importTitle')} testId="road-import">
        <div className="ops-form">
          <FilePicker label={t('roadFile')} accept=".pbf,.osm,.xml,.geojson,.json" file={file} testId="road-file" onChange={chooseFile} />
          <label>
            {t('regionName')}
            <input value={region} onChange={(e) => setRegion(e.target.value)} pattern="[a-z0-9_-]{1,64}" data-testid="road-region" />
          </label>
          <label className="check">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
            {t('replaceRegion')}
          </label>
          <button type="button" className="primary" disabled={!file || !region || uploading !== null} onClick={() => void upload()} data-testid="road-upload">
            {uploading === null ? t('uploadAndImport') : t('uploading', { percent: Math.round(uploading * 100) })}
          </button>
        </div>
        <div className="sub-title pad">{t('jobsTitle')}</div>
        <table className="dense" data-testid="road-jobs">
          <thead>
            <tr>
              {(['colFile', 'colRegion', 'colSize', 'colState', 'colProgress', 'colEdges', 'colDuration', 'colImportedAt'] as const).map((c) => (
                <th key={c}>{t(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-state={job.state}>
                <td>{job.fileName}</td>
                <td>{job.region}</td>
                <td className="mono">{size(job.sizeBytes)}</td>
                <td className={`job-${job.state}`}>{t(`job_${job.state}`)}</td>
                <td>
                  {job.state === 'failed' ? (
                    <span className="down" title={job.error ?? ''}>
                      {t('importFailed')}
                    </span>
                  ) : (
                    <JobProgress job={job} label={t(`stage_${job.progress.stage}`)} />
                  )}
                </td>
                <td className="mono">{count(job.report?.edges)}</td>
                <td className="mono">{seconds(job.report?.durationMs)}</td>
                <td>{when(job.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>

      <Panel className="ops-panel" title={t('historyTitle')}>
        <table className="dense">
          <thead>
            <tr>
              {(['colRegion', 'colSource', 'colFormat', 'colState', 'colEdges', 'colLength', 'colDuration', 'colImportedAt'] as const).map((c) => (
                <th key={c}>{t(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {networks?.history.map((n) => (
              <tr key={n.id}>
                <td>{n.region}</td>
                <td>{n.sourceName}</td>
                <td>{FORMATS[n.format]}</td>
                <td>{t(`net_${n.status}`)}</td>
                <td className="mono">{count(n.edges)}</td>
                <td className="mono">{km(n.lengthKm)}</td>
                <td className="mono">{seconds(n.report?.durationMs)}</td>
                <td>{when(n.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}

/** A job's stage with a bar: the stages done of all, and within the writing stages the rows written. */
function JobProgress({ job, label }: { job: RoadImportJobDto; label: string }) {
  const index = job.progress.stage === 'uploaded' ? 0 : STAGES.indexOf(job.progress.stage) + (job.progress.total ? job.progress.done / job.progress.total : 0);
  const share = job.state === 'completed' ? 1 : index / STAGES.length;
  return (
    <span className="job-progress">
      <progress max={1} value={share} data-testid="job-progress" />
      <span className="small">{job.state === 'completed' ? '100%' : `${Math.round(share * 100)}% · ${label}`}</span>
    </span>
  );
}

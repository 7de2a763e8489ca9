import { useEffect, useState } from 'react';
import {
  RecordFlag,
  REGISTER_COLUMNS,
  type RegisterFollowUpDto,
  type RegisterImportReport,
  type ResidentPage,
} from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import { useLiveContext } from '../realtime/useLive';
import { uploadFile } from '../admin/adminFiles';
import { FilePicker } from '../admin/FilePicker';
import { FlagChips } from './RegisterFlags';
import { flagLabel, useRegisterWords } from './registerWords';
import './register.css';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

/**
 * The priority-group register for the administrator (import, search) and the supervisor (search, follow-up notices):
 * import a 公卫 CSV or a FHIR bundle and read its report, search the residents a page at a time on the server, and see
 * the follow-up notices waiting for the family-doctor teams' system.
 */
export function RegisterScreen() {
  const { session } = useLiveContext();
  const isAdmin = session.user.role === 'admin';
  const [imported, setImported] = useState(0);
  return (
    <div className="ops-page register-screen" data-testid="register-screen">
      {isAdmin && <RegisterImport onImported={() => setImported((n) => n + 1)} />}
      <ResidentSearch refresh={imported} />
      <FollowUps />
    </div>
  );
}

function RegisterImport({ onImported }: { onImported(): void }) {
  const { session } = useLiveContext();
  const { t, lang, error: describe } = useRegisterWords();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<RegisterImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** A CSV column by its header in the screen's language; a FHIR element by its own path. */
  const fieldName = (field: string) => {
    const column = REGISTER_COLUMNS.find((c) => c.key === field);
    return column ? (lang === 'en' ? column.en : column.zh) : field;
  };
  const send = async () => {
    if (!file) return;
    setBusy(true);
    setReport(null);
    setError(null);
    const format = /\.json$/i.test(file.name) ? 'fhir' : 'csv';
    // The server reads the body as the file: say what it is (a browser may not know a CSV's type).
    const body = new Blob([file], { type: format === 'csv' ? 'text/csv' : 'application/fhir+json' });
    try {
      setReport(await uploadFile<RegisterImportReport>('importRegister', { format }, body, session.token));
      onImported();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel className="ops-panel" title={t('importTitle')}>
      <p className="muted small pad">{t('registerIntro')}</p>
      <div className="ops-form">
        <FilePicker
          label={t('registerFile')}
          accept=".csv,.json,text/csv,application/fhir+json,application/json"
          file={file}
          testId="register-file"
          onChange={(chosen) => {
            setFile(chosen);
            setReport(null);
            setError(null);
          }}
        />
        <button type="button" className="primary" disabled={!file || busy} onClick={() => void send()} data-testid="register-import">
          {busy ? t('importing') : t('importFile')}
        </button>
      </div>
      <div className="muted small pad">{t('expectedColumns', { columns: REGISTER_COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh)).join(lang === 'en' ? ', ' : '、') })}</div>
      {error && (
        <div className="error" role="alert" data-testid="register-import-error">
          {error}
        </div>
      )}
      {report && (
        <div data-testid="register-report">
          <div className="ops-note" role="status" data-testid="register-counts">
            {t('reportTitle', report.counts)}
          </div>
          {report.rows.length === 0 ? (
            <div className="muted small pad">{t('noProblems')}</div>
          ) : (
            <table className="dense wrap">
              <thead>
                <tr>
                  <th>{report.format === 'csv' ? t('colRow') : t('colEntry')}</th>
                  <th>{t('colRecordId')}</th>
                  <th>{t('colOutcome')}</th>
                  <th>{t('colReason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={`${r.row}-${r.field ?? ''}`} className={r.outcome === 'refused' ? 'row-error' : ''} data-outcome={r.outcome} data-field={r.field ?? ''}>
                    <td className="mono">{report.format === 'csv' ? r.row : `entry[${r.row}]`}</td>
                    <td className="mono">{r.recordId ?? '—'}</td>
                    <td>{t(`outcome_${r.outcome}`)}</td>
                    <td>
                      {t(`reason_${r.reason}`)}
                      {r.field && <span className="muted"> ({fieldName(r.field)})</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Panel>
  );
}

function ResidentSearch({ refresh }: { refresh: number }) {
  const { api } = useLiveContext();
  const { t, lang, label, error: describe } = useRegisterWords();
  const [q, setQ] = useState('');
  const [sent, setSent] = useState('');
  const [flag, setFlag] = useState<RecordFlag | ''>('');
  const [page, setPage] = useState(1);
  const [answer, setAnswer] = useState<ResidentPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSent(q.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => {
    let cancelled = false;
    api
      .call('residentPage', { query: { page, pageSize: PAGE_SIZE, ...(sent ? { q: sent } : {}), ...(flag ? { flag } : {}) } })
      .then((a) => !cancelled && (setAnswer(a), setError(null)))
      .catch((e: unknown) => !cancelled && setError(describe(e)));
    return () => {
      cancelled = true;
    };
  }, [api, page, sent, flag, refresh, describe]);
  const pages = answer ? Math.max(1, Math.ceil(answer.total / PAGE_SIZE)) : 1;
  return (
    <Panel className="ops-panel" title={t('searchTitle')} testId="register-search">
      <div className="ops-form register-filters">
        <input
          type="search"
          value={q}
          placeholder={t('searchHint')}
          aria-label={t('searchHint')}
          data-testid="register-q"
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
        />
        <select value={flag} aria-label={t('colFlags')} data-testid="register-flag" onChange={(e) => (setFlag(e.target.value as RecordFlag | ''), setPage(1))}>
          <option value="">{t('allFlags')}</option>
          {RecordFlag.options.map((f) => (
            <option key={f} value={f}>
              {flagLabel(lang, f)}
            </option>
          ))}
        </select>
        {answer && <span className="muted small">{t('total', { total: answer.total })}</span>}
      </div>
      {error && <div className="error">{error}</div>}
      <table className="dense wrap" data-testid="register-residents">
        <thead>
          <tr>
            <th>{t('colRecordId')}</th>
            <th>{t('colName')}</th>
            <th>{t('colAge')}</th>
            <th>{t('colPhone')}</th>
            <th>{t('colAddress')}</th>
            <th>{t('colGroups')}</th>
            <th>{t('colFlags')}</th>
            <th>{t('colTeam')}</th>
          </tr>
        </thead>
        <tbody>
          {answer?.items.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {t('none')}
              </td>
            </tr>
          )}
          {answer?.items.map((r) => (
            <tr key={r.id} data-record={r.recordId}>
              <td className="mono">{r.recordId}</td>
              <td>{r.name}</td>
              <td>{r.age ?? '—'}</td>
              <td className="mono">{r.phone ?? '—'}</td>
              <td>{r.address ?? '—'}</td>
              <td>{r.groups.map((g) => label('priorityGroup', g)).join(lang === 'en' ? ', ' : '、')}</td>
              <td className="flags-cell">
                <FlagChips flags={r.flags} />
              </td>
              <td>
                {r.team?.name ?? '—'}
                {r.team?.phone && <div className="mono small">{r.team.phone}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="register-pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t('prev')}
        </button>
        <span className="small">{t('pageOf', { page, pages })}</span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="register-next">
          {t('next')}
        </button>
      </div>
    </Panel>
  );
}

function FollowUps() {
  const { api } = useLiveContext();
  const { t, lang, error: describe } = useRegisterWords();
  const [items, setItems] = useState<RegisterFollowUpDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    api
      .call('listRegisterFollowUps', { query: { limit: 50 } })
      .then((list) => !cancelled && setItems(list))
      .catch((e: unknown) => !cancelled && setError(describe(e)));
    return () => {
      cancelled = true;
    };
  }, [api, version, describe]);
  const markSent = (id: string) =>
    api.call('markRegisterFollowUpsSent', { body: { ids: [id] } }).then(
      () => setVersion((v) => v + 1),
      (e: unknown) => setError(describe(e)),
    );
  return (
    <Panel className="ops-panel" title={t('followUpsTitle')} testId="register-follow-ups">
      <p className="muted small pad">{t('followUpsIntro')}</p>
      {error && <div className="error">{error}</div>}
      {items?.length === 0 && <div className="muted small pad">{t('noFollowUps')}</div>}
      {items && items.length > 0 && (
        <table className="dense wrap">
          <thead>
            <tr>
              <th>{t('colIncident')}</th>
              <th>{t('colName')}</th>
              <th>{t('colTeam')}</th>
              <th>{t('colCreated')}</th>
              <th>{t('colStatus')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id} data-follow-up={f.incidentNumber}>
                <td className="mono">#{f.incidentNumber}</td>
                <td>{f.resident.name}</td>
                <td>
                  {f.team?.name ?? '—'}
                  {f.team?.phone && <span className="mono small"> {f.team.phone}</span>}
                </td>
                <td className="mono small">{new Date(f.createdAt).toLocaleString(lang, { hour12: false })}</td>
                <td>{t(`fu_${f.status}`)}</td>
                <td>
                  {f.status === 'pending' && (
                    <button type="button" className="small" onClick={() => void markSent(f.id)}>
                      {t('markSent')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

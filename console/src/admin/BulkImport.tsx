import { useState } from 'react';
import {
  ApiError,
  BULK_COLUMNS,
  BULK_MEDIA_TYPES,
  BulkKind,
  type BulkFormat,
  type BulkPreviewDto,
  type BulkResultDto,
  type BulkRowError,
} from '@dispatch/protocol';
import { Panel } from '../common/Panel';
import { useLiveContext } from '../realtime/useLive';
import { downloadFile, uploadFile } from './adminFiles';
import { FilePicker } from './FilePicker';
import { useImportWords } from './importWords';

const formatOf = (file: File): BulkFormat => (/\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv');

/**
 * Bulk import and export: choose a kind and a file, preview every row with its errors (nothing stored), import all
 * (one transaction: all rows or none), see the result with the new logins' one-time passwords; export the same file.
 */
export function BulkImport() {
  const { session } = useLiveContext();
  const i18n = useImportWords();
  const { t, lang } = i18n;
  const [kind, setKind] = useState<BulkKind>('stations');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<BulkPreviewDto | null>(null);
  const [result, setResult] = useState<BulkResultDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const columns = BULK_COLUMNS[kind];
  const columnName = (key: string | null) => {
    const column = columns.find((c) => c.key === key);
    return column ? (lang === 'en' ? column.en : column.zh) : t('fileLevel');
  };
  const describe = (e: BulkRowError) => `${columnName(e.column)}${lang === 'en' ? ': ' : '：'}${t(`err_${e.code}`)}`;

  const reset = () => {
    setPreview(null);
    setResult(null);
    setError(null);
  };

  const send = async (name: 'previewBulkImport' | 'commitBulkImport') => {
    if (!file) return;
    setBusy(true);
    reset();
    const format = formatOf(file);
    // The browser may not know a CSV's type: say it, so the server reads the body as the file.
    const body = new Blob([file], { type: BULK_MEDIA_TYPES[format] });
    try {
      const answer = await uploadFile<BulkResultDto>(name, { kind, format }, body, session.token);
      if (name === 'commitBulkImport') setResult(answer);
      setPreview(answer);
    } catch (e) {
      // A refused commit carries the preview of every row: the same table, nothing stored.
      if (e instanceof ApiError && e.status === 422 && e.details) setPreview(e.details as BulkPreviewDto);
      else setError(`${t('requestFailed')}: ${i18n.label('errorCode', e instanceof ApiError ? e.code : 'server_error')}`);
    } finally {
      setBusy(false);
    }
  };

  const exportAs = (format: BulkFormat) =>
    downloadFile('exportBulk', { kind, format, lang: i18n.lang }, session.token, `${kind}.${format}`).catch(() => setError(t('requestFailed')));


  return (
    <div className="ops-page" data-testid="bulk-import">
      <Panel className="ops-panel" title={t('bulkTitle')}>
        <p className="muted small pad">{t('bulkIntro')}</p>
        <div className="ops-form">
          <label>
            {t('kind')}
            <select
              value={kind}
              data-testid="bulk-kind"
              onChange={(e) => {
                setKind(e.target.value as BulkKind);
                reset();
              }}
            >
              {BulkKind.options.map((k) => (
                <option key={k} value={k}>
                  {t(`kind_${k}`)}
                </option>
              ))}
            </select>
          </label>
          <FilePicker
            label={t('sheetFile')}
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            file={file}
            testId="bulk-file"
            onChange={(chosen) => {
              setFile(chosen);
              reset();
            }}
          />
          <button type="button" disabled={!file || busy} onClick={() => void send('previewBulkImport')} data-testid="bulk-preview">
            {t('previewFile')}
          </button>
          <button type="button" className="primary" disabled={!file || busy || !preview?.committable || result !== null} onClick={() => void send('commitBulkImport')} data-testid="bulk-commit">
            {t('commitFile')}
          </button>
          <span className="spacer" />
          <button type="button" onClick={() => void exportAs('csv')} data-testid="bulk-export-csv">
            {t('exportCsv')}
          </button>
          <button type="button" onClick={() => void exportAs('xlsx')} data-testid="bulk-export-xlsx">
            {t('exportXlsx')}
          </button>
        </div>
        <div className="muted small pad">{t('expectedColumns', { columns: columns.map((c) => (lang === 'en' ? c.en : c.zh)).join(lang === 'en' ? ', ' : '、') })}</div>
        {error && <div className="error">{error}</div>}
      </Panel>

      {preview && (
        <Panel className="ops-panel" title={t('counts', preview.counts)} testId="bulk-preview-result">
          {result ? (
            <div className="ops-note" role="status" data-testid="bulk-committed">
              {t('committed', result.counts)}
            </div>
          ) : preview.committable ? (
            <div className="ops-note" role="status">{t('readyToCommit')}</div>
          ) : (
            <div className="error" role="alert" data-testid="bulk-has-errors">
              {t('fileHasErrors')}
            </div>
          )}
          {preview.fileErrors.map((e) => (
            <div key={`${e.code}-${e.column}`} className="error" data-testid="bulk-file-error">
              {describe(e)}
            </div>
          ))}
          {result && result.temporaryPasswords.length > 0 && (
            <div className="passwords" data-testid="bulk-passwords">
              <div className="sub-title">{t('passwordsTitle')}</div>
              <table className="dense narrow">
                <tbody>
                  {result.temporaryPasswords.map((p) => (
                    <tr key={p.username}>
                      <td>{p.username}</td>
                      <td className="mono">{p.temporaryPassword}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <table className="dense wrap" data-testid="bulk-rows">
            <thead>
              <tr>
                <th>{t('colRow')}</th>
                <th>{t('colKey')}</th>
                <th>{t('colAction')}</th>
                <th>{t('colErrors')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row} className={r.action === 'error' ? 'row-error' : ''} data-row={r.row}>
                  <td className="mono">{r.row}</td>
                  <td>{r.key}</td>
                  <td className={`action-${r.action}`}>{t(`action_${r.action}`)}</td>
                  <td>
                    {r.errors.map((e, i) => (
                      <div key={i} data-testid="row-error" data-column={e.column ?? ''} data-code={e.code}>
                        {describe(e)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
    </div>
  );
}

import { useState } from 'react';
import type { AuditEntryDto } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { Panel } from '../common/Panel';
import { useLiveContext } from '../realtime/useLive';
import { instantOf } from './period';
import { AUDIT_ACTIONS, ROLE_WORDS, useWords } from './words';
import './supervisor.css';

const PAGE = 100;
/** The actions the server writes, offered as suggestions; any other text is searched as typed. */
const KNOWN_ACTIONS = [
  'incident.', 'incident.created', 'incident.cancelled', 'incident.closed', 'assignment.', 'assignment.created', 'assignment.cancelled',
  'assignment.statusReported', 'assignment.ackTimedOut', 'assignment.destinationChanged', 'notice.', 'notice.sent', 'notice.escalated',
  'hospital.loadChanged', 'login.succeeded', 'login.failed', 'password.changed', 'user.', 'user.created', 'user.disabled', 'station.', 'shift.created',
  'register.', 'register.read',
];

interface Filters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

/** The audit log, read-only: who did what, when and from where, filtered on the server, newest first, a page at a time. */
export function AuditLog() {
  const { t, lang, error: say } = useWords();
  const { api } = useLiveContext();
  const users = useLoaded('users', () => api.call('listUsers'));
  const [draft, setDraft] = useState<Filters>({ actor: '', action: '', since: '', until: '' });
  const [filters, setFilters] = useState(draft);
  // The pages after the first, fetched with "more", for the filters they were fetched under.
  const [later, setLater] = useState<{ filters: Filters; entries: AuditEntryDto[]; more: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const queryAt = (offset: number) => ({
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(instantOf(filters.since) ? { since: instantOf(filters.since) } : {}),
    ...(instantOf(filters.until) ? { until: instantOf(filters.until) } : {}),
    limit: PAGE,
    offset,
  });
  const first = useLoaded(JSON.stringify(filters), () =>
    api.call('audit', { query: queryAt(0) }).then(
      (page) => {
        setError(null);
        return { filters, page };
      },
      (e: unknown) => {
        setError(say(e));
        return { filters, page: [] as AuditEntryDto[] };
      },
    ),
  );
  const current = first && first.filters === filters ? first.page : null;
  const extra = later && later.filters === filters ? later : null;
  const entries = current ? [...current, ...(extra?.entries ?? [])] : null;
  const more = extra ? extra.more : (current?.length ?? 0) === PAGE;
  const loadMore = async () => {
    try {
      const page = await api.call('audit', { query: queryAt(entries?.length ?? 0) });
      setLater({ filters, entries: [...(extra?.entries ?? []), ...page], more: page.length === PAGE });
    } catch (e) {
      setError(say(e));
    }
  };

  const inWords = (table: Record<string, [string, string]>, code: string) => table[code]?.[lang === 'en' ? 1 : 0] ?? code;
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  return (
    <div className="supervisor audit" data-testid="audit-log">
      <Panel className="audit-controls" title={t('auditTitle')}>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({ ...draft });
          }}
        >
          <label>
            {t('auditWho')}
            <select name="actor" value={draft.actor} onChange={set('actor')}>
              <option value="">{t('anyOption')}</option>
              <option value="system">{inWords(ROLE_WORDS, 'system')}</option>
              {users?.map((u) => (
                <option key={u.id} value={u.username}>
                  {u.username}
                  {u.displayName && u.displayName !== u.username ? ` · ${u.displayName}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('auditWhat')}
            <input name="action" value={draft.action} list="audit-actions" placeholder={t('auditActionHint')} maxLength={80} onChange={set('action')} />
            <datalist id="audit-actions">
              {KNOWN_ACTIONS.map((a) => (
                <option key={a} value={a}>{inWords(AUDIT_ACTIONS, a)}</option>
              ))}
            </datalist>
          </label>
          <label>
            {t('auditSince')}
            <input type="datetime-local" name="since" value={draft.since} onChange={set('since')} />
          </label>
          <label>
            {t('auditUntil')}
            <input type="datetime-local" name="until" value={draft.until} onChange={set('until')} />
          </label>
          <button type="submit" className="primary">{t('auditFilter')}</button>
        </form>
        {error && <div className="error">{error}</div>}
      </Panel>
      <Panel className="audit-entries" testId="audit-entries" title={<>{t('auditTitle')} <span className="count">{entries?.length ?? '…'}</span></>}>
        {entries && entries.length === 0 ? (
          <div className="pad muted">{t('auditEmpty')}</div>
        ) : (
          <table className="dense">
            <thead>
              <tr>
                <th>{t('auditAt')}</th>
                <th>{t('auditWho')}</th>
                <th>{t('auditWhat')}</th>
                <th>{t('auditEntity')}</th>
                <th>{t('auditDetails')}</th>
                <th>{t('auditFrom')}</th>
              </tr>
            </thead>
            <tbody>
              {entries?.map((e) => (
                <tr key={e.id} data-action={e.action} data-actor={e.actor.username ?? ''}>
                  <td className="mono">{new Date(e.at).toLocaleString(lang)}</td>
                  <td>
                    {e.actor.username ?? '—'} <span className="muted small">{inWords(ROLE_WORDS, e.actor.role ?? '')}</span>
                  </td>
                  <td>
                    {inWords(AUDIT_ACTIONS, e.action)} <span className="mono muted small">{e.action}</span>
                  </td>
                  <td className="mono small">{e.entityType}{e.entityId ? `:${e.entityId.slice(0, 8)}` : ''}</td>
                  <td className="mono small details">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
                  <td className="mono small">{e.remoteAddr ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {more && (
          <div className="pager">
            <button type="button" onClick={() => void loadMore()}>{t('auditMore')}</button>
          </div>
        )}
      </Panel>
    </div>
  );
}

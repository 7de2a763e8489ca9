import { useCallback, useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { ApiError, type RequestOf, type ResourceKind, type ResponseOf, type Routes } from '@dispatch/protocol';
import { useLiveContext } from '../realtime/useLive';
import { type FieldErrors, problemsOf } from './fieldProblems';
import { useAdminI18n, type AdminWord } from './words';
import './admin.css';

/**
 * What the administrator's screens share: a page of a list read from the server (sorted, filtered and cut there)
 * and read again when any console changes that kind of resource, the list's header, search and pager, and form
 * fields with the server's refusal shown beside the field it names.
 */

type PageRoute = 'stationPage' | 'vehiclePage' | 'hospitalPage' | 'userPage' | 'crewMemberPage';
export type PageQuery<N extends PageRoute> = NonNullable<RequestOf<Routes[N]>['query']>;
export type PageAnswer<N extends PageRoute> = ResponseOf<Routes[N]>;

export const PAGE_SIZE = 20;

/**
 * The page `query` asks for, fetched again when the query changes and whenever a change of one of `kinds` is pushed
 * (another admin's, a bulk import's, this screen's own), so two admins' lists agree without a reload.
 */
export function usePage<N extends PageRoute>(name: N, kinds: readonly ResourceKind[], query: PageQuery<N>) {
  const { api, connection } = useLiveContext();
  const [answer, setAnswer] = useState<PageAnswer<N> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify(query);
  const seq = useRef(0);
  const load = useCallback(() => {
    const mine = ++seq.current;
    const call = api.call as (route: PageRoute, request: { query: unknown }) => Promise<unknown>;
    call(name, { query: JSON.parse(key) as unknown }).then(
      (page) => {
        if (mine !== seq.current) return;
        setAnswer(page as PageAnswer<N>);
        setError(null);
      },
      (e: unknown) => mine === seq.current && setError(e),
    );
  }, [api, name, key]);
  useEffect(load, [load]);
  const kindsKey = kinds.join();
  useEffect(() => connection.subscribeChanges((change) => kindsKey.split(',').includes(change.kind) && load()), [connection, kindsKey, load]);
  return { page: answer, error, reload: load };
}

type ChoiceRoute = 'listStations' | 'listVehicles' | 'listHospitals' | 'listCrewMembers' | 'listUsers';

/** A whole reference list a form chooses from (stations for a vehicle, vehicles for a login), kept fresh the same way. */
export function useChoices<N extends ChoiceRoute>(name: N, kinds: readonly ResourceKind[]): ResponseOf<Routes[N]> | [] {
  const { api, connection } = useLiveContext();
  const [items, setItems] = useState<ResponseOf<Routes[N]> | []>([]);
  const load = useCallback(() => {
    const call = api.call as (route: ChoiceRoute) => Promise<unknown>;
    void call(name).then((list) => setItems(list as ResponseOf<Routes[N]>), () => undefined);
  }, [api, name]);
  useEffect(load, [load]);
  const kindsKey = kinds.join();
  useEffect(() => connection.subscribeChanges((change) => kindsKey.split(',').includes(change.kind) && load()), [connection, kindsKey, load]);
  return items;
}

/** The search box (sent to the server after a pause in typing), filters of the screen, and the pager. */
export function ListBar({
  hint,
  q,
  onQ,
  page,
  total,
  onPage,
  children,
}: {
  hint: AdminWord;
  q: string;
  onQ: (q: string) => void;
  page: number;
  total: number | undefined;
  onPage: (page: number) => void;
  children?: ReactNode;
}) {
  const { t } = useAdminI18n();
  const [text, setText] = useState(q);
  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(() => onQ(text), 300);
    return () => clearTimeout(timer);
  }, [text, q, onQ]);
  const pages = Math.max(1, Math.ceil((total ?? 0) / PAGE_SIZE));
  return (
    <div className="list-bar">
      <input type="search" className="list-search" data-testid="list-search" placeholder={t(hint)} aria-label={t('search')} value={text} onChange={(e) => setText(e.target.value)} />
      {children}
      <span className="list-total muted" data-testid="list-total">{total === undefined ? t('loading') : t('totalRows', { total })}</span>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)} data-testid="page-prev">
        {t('prevPage')}
      </button>
      <span className="mono small" data-testid="page-of">{t('pageOf', { page, pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)} data-testid="page-next">
        {t('nextPage')}
      </button>
    </div>
  );
}

/** The list state of a screen: page, sort and search text; a new sort or search starts again at page 1. */
export function useListState<S extends string>(initialSort: S) {
  const [state, setState] = useState({ page: 1, sort: initialSort as S | `-${S}`, q: '' });
  return {
    ...state,
    setPage: useCallback((page: number) => setState((s) => ({ ...s, page })), []),
    setQ: useCallback((q: string) => setState((s) => ({ ...s, q, page: 1 })), []),
    toggleSort: useCallback(
      (key: S) => setState((s) => ({ ...s, page: 1, sort: s.sort === key ? (`-${key}` as `-${S}`) : key })),
      [],
    ),
  };
}

/** A list's header: a column with a sort key sorts on the server when clicked (again: the other way). */
export function SortHead<S extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: { label: AdminWord; sortKey?: S }[];
  sort: string;
  onSort: (key: S) => void;
}) {
  const { t } = useAdminI18n();
  return (
    <thead>
      <tr>
        {columns.map(({ label, sortKey }) => {
          if (!sortKey) return <th key={label}>{t(label)}</th>;
          const dir = sort === sortKey ? 'ascending' : sort === `-${sortKey}` ? 'descending' : 'none';
          return (
            <th key={label} aria-sort={dir}>
              <button type="button" className="sort" data-testid={`sort-${sortKey}`} onClick={() => onSort(sortKey)}>
                {t(label)} <span className="sort-mark">{dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}</span>
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/**
 * A screen's list panel: its title with the add action, the search, filters and pager, the sortable head and a row per
 * item of the page (a row saying why there is none while it loads or when nothing matches).
 */
export function AdminList<S extends string, T>({
  title,
  add,
  hint,
  list,
  page,
  filters,
  columns,
  row,
  notice,
  style,
}: {
  title: string;
  add?: { label: string; onClick: () => void };
  hint: AdminWord;
  list: ReturnType<typeof useListState<S>>;
  page: { items: readonly T[]; total: number } | null | undefined;
  filters?: ReactNode;
  columns: { label: AdminWord; sortKey?: S }[];
  row: (item: T) => ReactNode;
  /** Said between the search and the table (a refused row action). */
  notice?: ReactNode;
  style?: CSSProperties;
}) {
  return (
    <section className="panel admin-list" style={style}>
      <div className="panel-title">
        {title}
        {add && (
          <button type="button" className="primary" style={{ marginLeft: 'auto' }} onClick={add.onClick} data-testid="add">
            {add.label}
          </button>
        )}
      </div>
      <ListBar hint={hint} q={list.q} onQ={list.setQ} page={list.page} total={page?.total} onPage={list.setPage}>
        {filters}
      </ListBar>
      {notice}
      <div className="scroll">
        <table className="dense" data-testid="admin-table">
          <SortHead sort={list.sort} onSort={list.toggleSort} columns={columns} />
          <tbody>{page?.items.length ? page.items.map(row) : <EmptyRow columns={columns.length} loading={!page} />}</tbody>
        </table>
      </div>
    </section>
  );
}

/** A row saying there is nothing (or nothing yet) to list. */
export function EmptyRow({ columns, loading }: { columns: number; loading: boolean }) {
  const { t } = useAdminI18n();
  return (
    <tr>
      <td colSpan={columns} className="muted empty-row">
        {loading ? t('loading') : t('noRows')}
      </td>
    </tr>
  );
}

/** Words kept unsaid, so a language switch says them again. */
export type Said = (words: ReturnType<typeof useAdminI18n>) => string;

const NO_PROBLEMS = { fields: {}, general: null };

/**
 * One form's state: busy while it stores, a note once stored, or the refusal beside the fields it names. The refusal
 * and the note are kept as they came, not as words, so they are said in the language of the moment.
 */
export function useForm(fields: readonly string[]) {
  const words = useAdminI18n();
  const [failure, setFailure] = useState<{ error: unknown; sent?: object } | null>(null);
  const [said, setSaid] = useState<{ say: Said; note: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldsKey = fields.join();
  const clear = useCallback(() => {
    setFailure(null);
    setSaid(null);
  }, []);
  const fail = useCallback((error: unknown, sent?: object) => {
    setSaid(null);
    setFailure({ error, sent });
  }, []);
  const problems: { fields: FieldErrors; general: string | null } = failure
    ? problemsOf(failure.error, fieldsKey.split(','), words.t, words.error, failure.sent)
    : said && !said.note
      ? { fields: {}, general: said.say(words) }
      : NO_PROBLEMS;
  return {
    problems,
    note: said?.note ? said.say(words) : null,
    busy,
    fail,
    clear,
    /** A problem of the whole form. */
    say: useCallback((say: Said) => setSaid({ say, note: false }), []),
    /** Stores what the form sent: the note `store` answers once stored, the refusal's problems otherwise. */
    submit: useCallback(
      async (sent: object, store: () => Promise<Said>) => {
        clear();
        setBusy(true);
        try {
          const note = await store();
          setSaid({ say: note, note: true });
        } catch (error) {
          fail(error, sent);
        } finally {
          setBusy(false);
        }
      },
      [clear, fail],
    ),
  };
}

/** A labelled form field; the server's objection to it is shown right beside it. */
export function Field({ name, label, problem, children, wide }: { name: string; label: ReactNode; problem?: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`field${problem ? ' invalid' : ''}${wide ? ' wide' : ''}`} data-field={name}>
      <label className="field-label">{label}</label>
      <div className="field-control">
        {children}
        {problem ? (
          <span className="field-error" role="alert" data-testid={`field-error-${name}`}>
            {problem}
          </span>
        ) : null}
      </div>
    </div>
  );
}

/** Check boxes for a set of codes (capabilities, crew on board), each labelled in the current language. */
export function CodeChecks<C extends string>({ name, codes, chosen, label, onChange }: { name: string; codes: readonly C[]; chosen: readonly C[]; label: (code: C) => string; onChange: (chosen: C[]) => void }) {
  return (
    <div className="checks" data-testid={`checks-${name}`}>
      {codes.map((code) => (
        <label key={code} className="check">
          <input
            type="checkbox"
            name={`${name}.${code}`}
            checked={chosen.includes(code)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, code] : chosen.filter((c) => c !== code))}
          />
          {label(code)}
        </label>
      ))}
    </div>
  );
}

/** The side panel of a screen: the form to add or edit one entry, with its save and cancel. */
export function FormPanel({ title, testId, onSubmit, onCancel, onDelete, busy, general, children, extra }: {
  title: ReactNode;
  testId: string;
  onSubmit: () => void;
  onCancel?: () => void;
  /** Deletes the entry being edited (asked first); absent for a new one. */
  onDelete?: () => void;
  busy: boolean;
  general: string | null;
  children: ReactNode;
  extra?: ReactNode;
}) {
  const { t } = useAdminI18n();
  return (
    <section className="panel admin-form" data-testid={testId}>
      <div className="panel-title">{title}</div>
      <form
        className="form-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
        {general ? (
          <div className="error" role="alert" data-testid="form-error">
            {general}
          </div>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="form-save">
            {t('save')}
          </button>
          {onCancel ? (
            <button type="button" onClick={onCancel}>
              {t('cancel')}
            </button>
          ) : null}
          {onDelete ? (
            <button type="button" className="danger push-right" onClick={onDelete} data-testid="form-delete">
              {t('delete')}
            </button>
          ) : null}
        </div>
      </form>
      {extra}
    </section>
  );
}

/**
 * Deletes an entry after asking; a 409 (history, vehicles or logins still refer to it) is said in words.
 * @returns whether it was deleted
 */
export async function confirmDelete(
  name: string,
  remove: () => Promise<unknown>,
  { t }: { t: (key: AdminWord, vars?: Record<string, string | number>) => string },
  say: (said: Said) => void,
): Promise<boolean> {
  if (!window.confirm(t('confirmDelete', { name }))) return false;
  try {
    await remove();
    return true;
  } catch (e) {
    say((w) => (e instanceof ApiError && e.status === 409 ? w.t('deleteInUse') : w.error(e)));
    return false;
  }
}

/** A number from a text input, or NaN for the server to refuse by name (an empty field is not 0). */
export const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

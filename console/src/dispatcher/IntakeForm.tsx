import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { IncidentCategory, PriorityGroup, type IncidentDto, type PlaceDto } from '@dispatch/protocol';
import { useI18n } from '../i18n/i18n';
import { useLiveContext } from '../realtime/useLive';

export interface Draft {
  location: { lon: number; lat: number } | null;
  placeName: string | null;
  address: string;
  callerPhone: string;
  category: IncidentCategory;
  priority: number;
  patientSummary: string;
  priorityGroups: PriorityGroup[];
  /** Idempotency key of this call: a retried submit cannot create a second incident. */
  key: string;
}

export const emptyDraft = (): Draft => ({
  location: null,
  placeName: null,
  address: '',
  callerPhone: '',
  category: 'chest_pain',
  priority: 2,
  patientSummary: '',
  priorityGroups: [],
  key: crypto.randomUUID(),
});

export interface IntakeFormHandle {
  focus(): void;
}

/**
 * Call intake: locate (map click or gazetteer search), category, priority, patient summary and priority
 * groups; Enter submits. The location lives in the parent so a click on the map can set it.
 */
export const IntakeForm = forwardRef<IntakeFormHandle, { draft: Draft; onChange: (d: Draft) => void; onCreated: (i: IncidentDto) => void }>(
  function IntakeForm({ draft, onChange, onCreated }, ref) {
    const { t, label } = useI18n();
    const { api, connection } = useLiveContext();
    const [query, setQuery] = useState('');
    const [results, setResults] = useState<PlaceDto[] | null>(null);
    const [active, setActive] = useState(0);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const searchRef = useRef<HTMLInputElement>(null);

    useImperativeHandle(ref, () => ({ focus: () => searchRef.current?.focus() }), []);

    useEffect(() => {
      const q = query.trim();
      if (!q) return;
      let cancelled = false;
      const timer = setTimeout(() => {
        api
          .get<PlaceDto[]>(`/places?q=${encodeURIComponent(q)}&limit=8`)
          .then((places) => {
            if (cancelled) return;
            setResults(places);
            setActive(0);
          })
          .catch(() => !cancelled && setResults([]));
      }, 200);
      return () => {
        cancelled = true;
        clearTimeout(timer);
      };
    }, [api, query]);

    const pickPlace = (p: PlaceDto) => {
      onChange({ ...draft, location: { lon: p.lon, lat: p.lat }, placeName: p.name, address: draft.address || p.name });
      setQuery(p.name);
      setResults(null);
    };

    const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
      if (!results || results.length === 0) return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setActive((a) => Math.min(results.length - 1, a + 1));
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => Math.max(0, a - 1));
      } else if (e.key === 'Enter') {
        // Enter in an open result list picks the place; the next Enter submits the call.
        e.preventDefault();
        pickPlace(results[active]!);
      }
    };

    const submit = async (e: FormEvent) => {
      e.preventDefault();
      if (!draft.location) {
        setError(t('needLocation'));
        return;
      }
      setBusy(true);
      setError(null);
      try {
        const incident = await api.post<IncidentDto>(
          '/incidents',
          {
            location: draft.location,
            ...(draft.placeName ? { placeName: draft.placeName } : {}),
            ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
            ...(draft.callerPhone.trim() ? { callerPhone: draft.callerPhone.trim() } : {}),
            category: draft.category,
            priority: draft.priority,
            ...(draft.patientSummary.trim() ? { patientSummary: draft.patientSummary.trim() } : {}),
            priorityGroups: draft.priorityGroups,
          },
          { 'Idempotency-Key': draft.key },
        );
        connection.applyIncident(incident);
        setQuery('');
        setResults(null);
        onCreated(incident);
      } catch (err) {
        setError(`${t('errorPrefix')}${(err as Error).message}`);
      } finally {
        setBusy(false);
      }
    };

    const set = <K extends keyof Draft>(key: K, value: Draft[K]) => onChange({ ...draft, [key]: value });
    const toggleGroup = (g: PriorityGroup) =>
      set('priorityGroups', draft.priorityGroups.includes(g) ? draft.priorityGroups.filter((x) => x !== g) : [...draft.priorityGroups, g]);

    return (
      <form className="panel intake" onSubmit={submit} data-testid="intake-form" autoComplete="off">
        <div className="panel-title">
          {t('newCall')} <kbd>F2</kbd>
        </div>
        <div className="field place-field">
          <input
            ref={searchRef}
            name="place"
            value={query}
            placeholder={t('searchPlace')}
            onChange={(e) => {
              setQuery(e.target.value);
              if (!e.target.value.trim()) setResults(null);
            }}
            onKeyDown={onSearchKey}
            data-testid="place-search"
          />
          {results && query.trim() && (
            <ul className="place-results" role="listbox">
              {results.length === 0 && <li className="muted">{t('noPlaceFound')}</li>}
              {results.map((p, i) => (
                <li key={p.id} className={i === active ? 'active' : ''} onMouseDown={() => pickPlace(p)} role="option" aria-selected={i === active}>
                  {p.name} <span className="muted">{p.nameEn}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className={`located ${draft.location ? 'ok' : ''}`} data-testid="picked-location">
          {draft.location
            ? `${draft.placeName ? `${draft.placeName} · ` : ''}${t('locationPicked', { lon: draft.location.lon.toFixed(5), lat: draft.location.lat.toFixed(5) })}`
            : t('clickMapOrSearch')}
        </div>
        <div className="row2">
          <label>
            {t('category')}
            <select name="category" value={draft.category} onChange={(e) => set('category', e.target.value as IncidentCategory)}>
              {IncidentCategory.options.map((c) => (
                <option key={c} value={c}>
                  {label('category', c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('priority')}
            <select name="priority" value={draft.priority} onChange={(e) => set('priority', Number(e.target.value))}>
              {[1, 2, 3, 4].map((p) => (
                <option key={p} value={p}>
                  {label('priority', p)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="row2">
          <input name="address" value={draft.address} placeholder={t('address')} onChange={(e) => set('address', e.target.value)} />
          <input name="callerPhone" value={draft.callerPhone} placeholder={t('callerPhone')} onChange={(e) => set('callerPhone', e.target.value)} />
        </div>
        <textarea
          name="patientSummary"
          rows={2}
          value={draft.patientSummary}
          placeholder={t('patientSummary')}
          onChange={(e) => set('patientSummary', e.target.value)}
          onKeyDown={(e) => {
            // Enter submits from anywhere in the form; Shift+Enter makes a new line in the summary.
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <div className="groups" aria-label={t('priorityGroups')}>
          {PriorityGroup.options.map((g) => (
            <label key={g} className={`chip ${draft.priorityGroups.includes(g) ? 'on' : ''}`}>
              <input type="checkbox" checked={draft.priorityGroups.includes(g)} onChange={() => toggleGroup(g)} />
              {label('priorityGroup', g)}
            </label>
          ))}
        </div>
        {error && <div className="error" role="alert">{error}</div>}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="create-call">
            {busy ? t('creating') : t('createCall')} <kbd>Enter</kbd>
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              onChange(emptyDraft());
              setQuery('');
              setResults(null);
              setError(null);
            }}
          >
            {t('clear')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    );
  },
);

import { useEffect, useImperativeHandle, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import { ApiError, IncidentCategory, PriorityGroup, type IncidentDto, type PlaceCandidateDto, type PlaceDto, type RelatedIncidentDto } from '@dispatch/protocol';
import { useI18n } from '../i18n/i18n';
import { viewCentreParam } from '../map/viewCentre';
import { useLiveContext } from '../realtime/useLive';
import { emptyDraft, type Draft } from './draft';
import { NearbyPlaces, PlaceSummary } from './PlaceSummary';

export interface IntakeFormHandle {
  /** The place search (F2, a new call). */
  focus(): void;
  /** The category, when the place is known already (a located phone call): the next choice the call needs. */
  focusCategory(): void;
}

/**
 * Call intake: locate (map click or gazetteer search), category, priority, patient summary and priority
 * groups; Enter submits. The location lives in the parent so a click on the map can set it. A typed place
 * name that was not picked is sent as is: the server takes it only when sure, else answers 422 with the
 * candidates, which are offered here to choose from (keys or mouse) and the call is sent again with the choice.
 */
export function IntakeForm({ draft, onChange, onCreated, ref }: { draft: Draft; onChange: (d: Draft) => void; onCreated: (i: IncidentDto, related: RelatedIncidentDto[]) => void; ref: Ref<IntakeFormHandle> }) {
  const { t, label, error: errorText } = useI18n();
  const { api, connection } = useLiveContext();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PlaceDto[] | null>(null);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [candidates, setCandidates] = useState<{ name: string; list: PlaceCandidateDto[] } | null>(null);
  const [candidateAt, setCandidateAt] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const candidatesRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (candidates) candidatesRef.current?.focus();
  }, [candidates]);

  const categoryRef = useRef<HTMLSelectElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => searchRef.current?.focus(), focusCategory: () => categoryRef.current?.focus() }), []);

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        // Among equal matches, those nearer the centre of the map's view come first.
        .call('searchPlaces', { query: { q, limit: 8, near: viewCentreParam() } })
        .then((places) => {
          if (cancelled) return;
          setResults(places);
          // Only a sure match is highlighted for Enter to take; anything weaker is picked by ↓ or from the candidates.
          setActive(places[0]?.sure ? 0 : -1);
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
    // Located: the category is what the call needs next (↓ picks, Enter sends).
    if (!draft.category) categoryRef.current?.focus();
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && results) {
      // Closes the list and keeps typing; the next Enter sends the name as typed.
      e.preventDefault();
      e.stopPropagation();
      setResults(null);
      return;
    }
    if (!results || results.length === 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' && active >= 0) {
      // Enter takes the highlighted place (a sure match, or one chosen by ↓); the next Enter submits the call.
      e.preventDefault();
      pickPlace(results[active]!);
    } else if (e.key === 'Enter') {
      // No sure match: the form sends the name as typed and the server answers with the candidates to choose from.
      setResults(null);
    }
  };

  const send = async (d: Draft) => {
    const typed = query.trim();
    if (!d.location && !typed) {
      setError(t('needLocation'));
      return;
    }
    const category = d.category;
    if (!category) {
      setError(t('needCategory'));
      categoryRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setCandidates(null);
    try {
      const { related, ...incident } = await api.call(
        'createIncident',
        {
          body: {
            ...(d.location ? { location: d.location } : {}),
            // Without a point, the name as typed: the server locates it only when it is sure.
            ...(d.placeName ? { placeName: d.placeName } : d.location ? {} : { placeName: typed }),
            ...(d.address.trim() ? { address: d.address.trim() } : {}),
            ...(d.callerPhone.trim() ? { callerPhone: d.callerPhone.trim() } : {}),
            category,
            priority: d.priority,
            ...(d.patientSummary.trim() ? { patientSummary: d.patientSummary.trim() } : {}),
            priorityGroups: d.priorityGroups,
            ...(d.phoneCallId ? { phoneCallId: d.phoneCallId } : {}),
          },
        },
        { 'Idempotency-Key': d.key },
      );
      connection.apply('incidents', incident);
      setQuery('');
      setResults(null);
      onCreated(incident, related);
    } catch (err) {
      const offered = err instanceof ApiError && err.status === 422 ? (err.details as { candidates?: PlaceCandidateDto[] } | undefined)?.candidates : undefined;
      if (offered?.length) {
        setCandidateAt(0);
        setCandidates({ name: typed, list: offered });
      } else {
        setError(`${t('errorPrefix')}${errorText(err)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(draft);
  };

  const choose = (c: PlaceCandidateDto) => {
    const chosen = { ...draft, location: { lon: c.lon, lat: c.lat }, placeName: c.name, address: draft.address || c.name };
    onChange(chosen);
    setQuery(c.name);
    void send(chosen);
  };

  const onCandidateKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!candidates) return;
    // Kept from the console's own shortcuts (↑↓ move in the queue, Esc leaves the incident).
    e.stopPropagation();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setCandidateAt((a) => Math.max(0, Math.min(candidates.list.length - 1, a + (e.key === 'ArrowDown' ? 1 : -1))));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(candidates.list[candidateAt]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setCandidates(null);
      searchRef.current?.focus();
    }
  };

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => onChange({ ...draft, [key]: value });
  // The priority: a labelled select over the codes, each in its domain label.
  const choice = (name: 'priority', codes: readonly (string | number)[], onValue: (value: string) => void) => (
    <label>
      {t(name)}
      <select name={name} value={draft[name]} onChange={(e) => onValue(e.target.value)}>
        {codes.map((c) => (
          <option key={c} value={c}>
            {label(name, c)}
          </option>
        ))}
      </select>
    </label>
  );
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
            setCandidates(null);
            if (!e.target.value.trim()) setResults(null);
          }}
          onKeyDown={onSearchKey}
          data-testid="place-search"
        />
        {results && query.trim() && (
          <ul className="place-results" role="listbox">
            {results.length === 0 && <li className="muted">{t('noPlaceFound')}</li>}
            {results.length > 0 && !results[0]!.sure && <li className="hint" role="presentation">{t('placeResultsWeak')}</li>}
            {results.map((p, i) => (
              <li key={p.id} className={i === active ? 'active' : ''} onMouseDown={() => pickPlace(p)} role="option" aria-selected={i === active} data-testid="place-result">
                <PlaceSummary place={p} />
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
      <NearbyPlaces draft={draft} onChange={onChange} />
      {candidates && (
        <div className="place-candidates" data-testid="place-candidates">
          <div className="hint">{t('placeCandidates', { name: candidates.name })}</div>
          <ul role="listbox" tabIndex={0} ref={candidatesRef} onKeyDown={onCandidateKey} aria-activedescendant={`place-candidate-${candidateAt}`}>
            {candidates.list.map((c, i) => (
              <li
                key={c.id}
                id={`place-candidate-${i}`}
                role="option"
                aria-selected={i === candidateAt}
                className={i === candidateAt ? 'active' : ''}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(c);
                }}
              >
                <PlaceSummary place={c} />
                <span className="muted coords">
                  {c.lon.toFixed(4)}, {c.lat.toFixed(4)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="row2">
        <label>
          {t('category')}
          <select
            name="category"
            ref={categoryRef}
            value={draft.category ?? ''}
            // Not `required`: the browser's own bubble would stop the form in its language; the form says it itself.
            aria-required
            aria-invalid={error === t('needCategory')}
            onChange={(e) => set('category', e.target.value as IncidentCategory)}
            onKeyDown={(e) => {
              // A closed select ignores Enter; here it sends the call, as in every other field.
              if (e.key === 'Enter') {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          >
            <option value="" disabled>
              {t('chooseCategory')}
            </option>
            {IncidentCategory.options.map((c) => (
              <option key={c} value={c}>
                {label('category', c)}
              </option>
            ))}
          </select>
        </label>
        {choice('priority', [1, 2, 3, 4], (v) => set('priority', Number(v)))}
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
            setCandidates(null);
            setError(null);
          }}
        >
          {t('clear')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

import { useEffect, useState } from 'react';
import { IncidentCategory, type IncidentPageDto, type IncidentSearchQuery } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { Panel, Prio } from '../common/Panel';
import type { SectionProps } from '../shell/sectionProps';
import { useLive, useLiveContext } from '../realtime/useLive';
import { IncidentRecord } from './IncidentRecord';
import { dayInput, instantOf, startOfToday } from './period';
import { useWords } from './words';
import './supervisor.css';

const PAGE_SIZE = 20;

/** The incident opened from the search: `#/incidents/<id>`, so a record can be linked and the back button returns. */
function useOpenedIncident(): string | null {
  const read = () => /^#\/incidents\/([0-9a-f-]{36})$/.exec(window.location.hash)?.[1] ?? null;
  const [id, setId] = useState(read);
  useEffect(() => {
    const follow = () => setId(read());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return id;
}

export function IncidentsSection({ config }: SectionProps) {
  const opened = useOpenedIncident();
  // The search stays mounted under an opened record, so its filters and page are there on the way back.
  return (
    <>
      <div hidden={opened !== null}>
        <IncidentSearch />
      </div>
      {opened && <IncidentRecord id={opened} config={config} />}
    </>
  );
}

interface Filters {
  from: string;
  to: string;
  place: string;
  category: string;
  vehicleId: string;
  callerPhone: string;
}

/** Incident search by time, place text, category, vehicle and caller number; the server filters and pages. */
function IncidentSearch() {
  const { t, label, name, lang, error: say } = useWords();
  const { api } = useLiveContext();
  const live = useLive();
  const [draft, setDraft] = useState<Filters>(() => ({
    from: `${dayInput(new Date(startOfToday().getTime() - 6 * 86_400_000))}T00:00`,
    to: '',
    place: '',
    category: '',
    vehicleId: '',
    callerPhone: '',
  }));
  const [filters, setFilters] = useState(draft);
  // Without an end, the search runs to the moment it was asked (a search is a question at one time, not live).
  const [askedAt, setAskedAt] = useState(() => Date.now());
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const query: IncidentSearchQuery = {
    from: instantOf(filters.from) ?? new Date(0).toISOString(),
    to: instantOf(filters.to) ?? new Date(askedAt + 60_000).toISOString(),
    ...(filters.place.trim() ? { place: filters.place.trim() } : {}),
    ...(filters.category ? { category: filters.category as IncidentSearchQuery['category'] } : {}),
    ...(filters.vehicleId ? { vehicleId: filters.vehicleId } : {}),
    ...(filters.callerPhone.trim() ? { callerPhone: filters.callerPhone.trim() } : {}),
    page,
    pageSize: PAGE_SIZE,
  };
  const result = useLoaded<IncidentPageDto | null>(JSON.stringify(query), () =>
    api.call('searchIncidents', { query }).then(
      (r) => {
        setError(null);
        return r;
      },
      (e: unknown) => {
        setError(say(e));
        return null;
      },
    ),
  );
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  const vehicles = [...live.vehicles.values()].sort((a, b) => a.callSign.localeCompare(b.callSign, 'zh-CN'));
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  return (
    <div className="supervisor incidents" data-testid="incident-search">
      <Panel className="search-controls" title={t('searchTitle')}>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setAskedAt(Date.now());
            setFilters(draft);
          }}
        >
          <label>
            {t('reportFrom')}
            <input type="datetime-local" name="from" value={draft.from} onChange={set('from')} />
          </label>
          <label>
            {t('reportTo')}
            <input type="datetime-local" name="to" value={draft.to} onChange={set('to')} />
          </label>
          <label>
            {t('searchPlace')}
            <input name="place" value={draft.place} maxLength={100} onChange={set('place')} />
          </label>
          <label>
            {t('searchCategory')}
            <select name="category" value={draft.category} onChange={set('category')}>
              <option value="">{t('anyOption')}</option>
              {IncidentCategory.options.map((c) => (
                <option key={c} value={c}>{label('category', c)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('searchVehicle')}
            <select name="vehicleId" value={draft.vehicleId} onChange={set('vehicleId')}>
              <option value="">{t('anyOption')}</option>
              {vehicles.map((v) => (
                <option key={v.id} value={v.id}>{v.callSign}</option>
              ))}
            </select>
          </label>
          <label>
            {t('searchPhone')}
            <input name="callerPhone" value={draft.callerPhone} maxLength={20} inputMode="tel" onChange={set('callerPhone')} />
          </label>
          <button type="submit" className="primary">{t('search')}</button>
        </form>
        {error && <div className="error">{error}</div>}
      </Panel>
      <Panel className="search-results" testId="search-results" title={<>{t('searchTitle')} <span className="count" data-testid="search-total">{result ? t('searchTotal', { total: result.total }) : '…'}</span></>}>
        {result && result.items.length === 0 ? (
          <div className="pad muted">{t('noResults')}</div>
        ) : (
          <table className="dense clickable">
            <thead>
              <tr>
                <th>{t('colNumber')}</th>
                <th>{t('colReceived')}</th>
                <th>{t('colPriority')}</th>
                <th>{t('colCategory')}</th>
                <th>{t('colPlace')}</th>
                <th>{t('colPhone')}</th>
                <th>{t('colVehicles')}</th>
                <th>{t('colStatus')}</th>
                <th>{t('colAnswerSource')}</th>
              </tr>
            </thead>
            <tbody>
              {result?.items.map((i) => (
                <tr key={i.id} data-incident={i.number} onClick={() => (window.location.hash = `#/incidents/${i.id}`)}>
                  <td className="mono"><a href={`#/incidents/${i.id}`}>{i.number}</a></td>
                  <td className="mono">{new Date(i.callReceivedAt).toLocaleString(lang)}</td>
                  <td><Prio priority={i.priority} /></td>
                  <td>{label('category', i.category)}</td>
                  <td>{i.placeName ? name({ name: i.placeName, nameEn: i.placeNameEn }) : ''}{i.placeName && i.address ? ' · ' : ''}{i.address ?? ''}</td>
                  <td className="mono">{i.callerPhone ?? '—'}</td>
                  <td>{i.vehicles.join('、')}</td>
                  <td>{label('incidentStatus', i.status)}</td>
                  <td><span className={`badge source-${i.answerSource}`}>{t(i.answerSource === 'phone' ? 'sourcePhone' : 'sourceDispatcher')}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="pager">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>{t('pagePrev')}</button>
          <span data-testid="page-of">{t('pageOf', { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>{t('pageNext')}</button>
        </div>
      </Panel>
    </div>
  );
}

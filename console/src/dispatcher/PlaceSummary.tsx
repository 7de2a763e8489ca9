import { useEffect, useState } from 'react';
import type { NearbyPlaceDto, PlaceDto, ReverseGeocodeDto } from '@dispatch/protocol';
import { km } from '../common/format';
import { useI18n } from '../i18n/i18n';
import { useLiveContext } from '../realtime/useLive';
import type { Draft } from './draft';

/** Metres as the screen says them: "350 米", "4.2 公里". */
function useDistance() {
  const { t } = useI18n();
  return (m: number) => (m < 1000 ? t('distanceMetres', { m: Math.round(m) }) : t('distanceKm', { km: km(m) }));
}

/**
 * One gazetteer place on a line: its name (and the other language's), what it is, its town, and, when given,
 * how it matched the typed text and how far it is from the view centre or the click.
 */
export function PlaceSummary({ place }: { place: PlaceDto }) {
  const { t, label, lang, name } = useI18n();
  const distance = useDistance();
  return (
    <>
      <span className="name">{name(place)}</span>
      {/* In English the name callers say too; the Chinese screen shows no English. */}
      {lang === 'en' && place.name !== name(place) && <span className="muted">{place.name}</span>}
      <span className="kind" data-kind={place.kind}>{label('placeKind', place.kind)}</span>
      {place.town && <span className="town">{t('nearTown', { town: name(place.town) })}</span>}
      {place.match && (
        <span className={`match ${place.match.quality}`}>
          {t(`matchBy_${place.match.field}`)} · {t(`matchQuality_${place.match.quality}`)}
        </span>
      )}
      {place.distanceM !== null && <span className="muted distance">{distance(place.distanceM)}</span>}
    </>
  );
}

/**
 * What a location picked on the map is near: the nearest named road and place (the server's reverse geocoding),
 * each with a button that takes it as the incident's location (the road: its point nearest the click, and its
 * name as the address; the place: its point and name). Shown while the location was clicked, not chosen by name.
 */
export function NearbyPlaces({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const { t, name } = useI18n();
  const { api } = useLiveContext();
  const distance = useDistance();
  const point = draft.placeName ? null : draft.location;
  const at = point ? `${point.lon},${point.lat}` : null;
  // The answer with the point it is for: a late answer for an earlier click is never shown for the new one.
  const [answer, setAnswer] = useState<{ at: string; nearby: ReverseGeocodeDto } | null>(null);
  const nearby = answer && answer.at === at ? answer.nearby : null;

  useEffect(() => {
    if (at === null) return;
    let cancelled = false;
    api
      .call('reverseGeocode', { query: { at } })
      .then((found) => !cancelled && setAnswer({ at, nearby: found }))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, at]);

  if (!point) return null;
  if (!nearby) return <div className="nearby muted" data-testid="nearby">{t('nearbyLooking')}</div>;
  if (!nearby.place && !nearby.road) return <div className="nearby muted" data-testid="nearby">{t('nearbyNothing')}</div>;

  const use = (p: NearbyPlaceDto, role: 'road' | 'place') =>
    onChange({
      ...draft,
      location: role === 'road' ? p.closest : { lon: p.lon, lat: p.lat },
      // A road is an address, not a place a call is located by; a place is both.
      placeName: role === 'place' ? p.name : null,
      address: p.town && role === 'road' ? `${p.town.name}${p.name}` : p.name,
    });
  const row = (p: NearbyPlaceDto | null, role: 'road' | 'place') =>
    p && (
      <li data-testid={`nearby-${role}`}>
        <span className="nearby-role">{t(role === 'road' ? 'nearestRoad' : 'nearestPlace')}</span>
        <PlaceSummary place={{ ...p, distanceM: null }} />
        <span className="muted distance">{distance(p.distanceM ?? 0)}</span>
        <button type="button" className="ghost small" onClick={() => use(p, role)} aria-label={`${t('useAsLocation')}: ${name(p)}`}>
          {t('useAsLocation')}
        </button>
      </li>
    );
  return (
    <ul className="nearby" data-testid="nearby">
      {row(nearby.road, 'road')}
      {row(nearby.place, 'place')}
    </ul>
  );
}

import L from 'leaflet';
import { useEffect, useState } from 'react';
import type { ApiClient, LiveCoverageDto } from '@dispatch/protocol';
import { useMapProjection } from '@dispatch/ui';
import { useI18n } from '../../i18n/i18n';
import { useLiveContext } from '../../realtime/useLive';
import { textNode } from '../text';

export type OverlayStatus = 'idle' | 'loading' | 'ok' | 'unavailable';

const STATION_PALETTE = ['#60a5fa', '#f472b6', '#34d399', '#fbbf24', '#a78bfa', '#f87171', '#2dd4bf', '#fb923c'];
const MINUTE_COLOURS: Record<number, string> = { 10: '#22c55e', 20: '#eab308', 30: '#f97316' };

/** Catchments name their station as stationId/stationName or siteId/siteName; isochrones carry minutes. */
interface CoverageProperties {
  stationId?: string | null;
  stationName?: string | null;
  siteId?: string | null;
  siteName?: string | null;
  minutes?: number;
}

const SOURCES = {
  catchments: (api: ApiClient) => api.call('catchments'),
  isochrones: (api: ApiClient) => api.call('isochrones', { query: { minutes: '10,20,30' } }),
};

/**
 * Drive-time polygons from the server: station catchments (who is responsible where) or the 10/20/30-minute
 * isochrones of the stations (the "30-minute medical circle"). Fetched when first shown; a server without the
 * endpoint (404) or a failed fetch shows as "unavailable" instead of breaking the map.
 */
export function CoverageLayer({
  map,
  visible,
  kind,
  onStatus,
}: {
  map: L.Map;
  visible: boolean;
  kind: keyof typeof SOURCES;
  onStatus: (status: OverlayStatus) => void;
}) {
  const { api } = useLiveContext();
  const projection = useMapProjection();
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null);

  useEffect(() => {
    if (!visible || data) return;
    let cancelled = false;
    onStatus('loading');
    SOURCES[kind](api)
      .then((fc) => {
        if (cancelled) return;
        setData(fc as GeoJSON.FeatureCollection);
        onStatus('ok');
      })
      .catch(() => {
        if (!cancelled) onStatus('unavailable');
      });
    return () => {
      cancelled = true;
    };
  }, [api, kind, visible, data, onStatus]);

  useEffect(() => {
    if (!visible || !data) return;
    const stationColours = new Map<string, string>();
    // The widest time first, so the nearer bands stay on top and readable.
    const minutes = (f: GeoJSON.Feature) => ((f.properties ?? {}) as CoverageProperties).minutes ?? 0;
    const ordered = kind === 'isochrones' ? { ...data, features: [...data.features].sort((a, b) => minutes(b) - minutes(a)) } : data;
    const layer = L.geoJSON(projection.geoJsonToDisplay(ordered), {
      interactive: true,
      style: (feature) => {
        const p = (feature?.properties ?? {}) as CoverageProperties;
        if (kind === 'catchments') {
          const key = p.stationId ?? p.siteId ?? '';
          // Land no station reaches belongs to nobody: grey, not a station colour.
          if (!key) return { color: '#6b7280', weight: 1, fillColor: '#6b7280', fillOpacity: 0.12 };
          if (!stationColours.has(key)) stationColours.set(key, STATION_PALETTE[stationColours.size % STATION_PALETTE.length]!);
          const colour = stationColours.get(key)!;
          return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.14, dashArray: '6 4' };
        }
        const colour = MINUTE_COLOURS[p.minutes ?? 30] ?? '#f97316';
        return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.08 };
      },
      onEachFeature: (feature, l) => {
        const p = (feature.properties ?? {}) as CoverageProperties;
        l.bindTooltip(textNode(kind === 'catchments' ? (p.stationName ?? p.siteName ?? '—') : `${p.minutes ?? ''} min`), { sticky: true });
      },
    });
    layer.addTo(map);
    layer.bringToBack();
    return () => void layer.remove();
  }, [map, visible, data, kind, projection]);
  return null;
}

/**
 * The villages outside the 30-minute circle right now (the live figure the server pushes): red where no free
 * ambulance reaches them within 30 minutes by road, an orange ring where no health facility does either.
 */
export function UncoveredVillages({ map, visible, coverage }: { map: L.Map; visible: boolean; coverage: LiveCoverageDto | null }) {
  const { t } = useI18n();
  const projection = useMapProjection();
  useEffect(() => {
    if (!visible || !coverage) return;
    const group = L.layerGroup(
      coverage.uncovered.map((v) => {
        const reasons = [v.byAmbulance ? t('uncoveredByAmbulance') : null, v.byFacility ? t('uncoveredByFacility') : null].filter(Boolean).join(' · ');
        return L.circleMarker(projection.toLatLng({ lon: v.lon, lat: v.lat }), {
          radius: 6,
          color: v.byFacility ? '#f97316' : '#fca5a5',
          weight: v.byFacility ? 3 : 1.5,
          fillColor: v.byAmbulance ? '#dc2626' : '#f97316',
          fillOpacity: v.byAmbulance ? 0.75 : 0.2,
          className: 'uncovered-village',
        }).bindTooltip(textNode(`${v.name} — ${reasons}`), { sticky: true });
      }),
    ).addTo(map);
    // Drawn on the map's canvas: the count on the element tells whoever drives the page (tests) what is shown.
    map.getContainer().setAttribute('data-uncovered-villages', String(coverage.uncovered.length));
    return () => {
      group.remove();
      map.getContainer().removeAttribute('data-uncovered-villages');
    };
  }, [map, visible, coverage, projection, t]);
  return null;
}

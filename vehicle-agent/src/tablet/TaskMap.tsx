import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { displayProjection, type DisplayProjection, type TileCoordinates } from '@dispatch/protocol';
import type { LonLat } from '../simulator/geometry';
import { useT } from './i18n';

export interface TaskMapProps {
  /** undefined while the configuration is loading; null for no tile server at all. */
  tileUrl: string | null | undefined;
  tileAttribution: string;
  /** What the tiles are drawn in; undefined while the configuration is loading (no tiles are shown until then). */
  tileCoordinates: TileCoordinates | undefined;
  token: string;
  /** The leg being driven now, [lon, lat] pairs. */
  route: [number, number][] | null;
  scene: LonLat | null;
  hospital: { lonLat: LonLat; load: string } | null;
  home: LonLat | null;
  vehicle: LonLat | null;
}

/** Where to draw a stored WGS-84 [lon, lat]. */
const latLngOf = (projection: DisplayProjection, [lon, lat]: LonLat): L.LatLngTuple => {
  const [x, y] = projection.toDisplay(lon, lat);
  return [y, x];
};
const LOAD_COLOUR: Record<string, string> = { blue: '#1565c0', yellow: '#f9a825', red: '#c62828', closed: '#424242' };
const ROAD_WEIGHT: Record<string, number> = { motorway: 5, trunk: 5, primary: 4, secondary: 3.5, tertiary: 3 };

/**
 * A round map badge. Built as a node, never an HTML string: Leaflet would insert a string as HTML, and the strict
 * Content-Security-Policy refuses the inline style attribute such a string would need for its colour.
 */
const badge = (cls: string, text: string, background?: string) => {
  const div = document.createElement('div');
  div.className = `map-badge ${cls}`;
  div.textContent = text;
  if (background) div.style.background = background;
  return L.divIcon({ className: '', html: div, iconSize: [34, 34], iconAnchor: [17, 17] });
};

/**
 * The task map: tiles from the configured URL, and when none can be loaded (no network to the tile server, as in
 * the vehicle or on a closed network) the region's own roads from the dispatch server on a plain background.
 */
export function TaskMap({ tileUrl, tileAttribution, tileCoordinates, token, route, scene, hospital, home, vehicle }: TaskMapProps) {
  const t = useT();
  // The one place the tablet converts: stored WGS-84 in, the tiles' coordinates out (and back for the view).
  const projection = useMemo(() => displayProjection(tileCoordinates ?? 'wgs84'), [tileCoordinates]);
  const element = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const overlay = useRef<L.LayerGroup | null>(null);
  const vehicleMarker = useRef<L.Marker | null>(null);
  const lastFit = useRef<string | null>(null);
  const [ownRoads, setOwnRoads] = useState<{ synthetic: boolean } | null>(null);

  useEffect(() => {
    if (!element.current) return;
    const m = L.map(element.current, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 }).setView([37.027, 111.913], 12);
    overlay.current = L.layerGroup().addTo(m);
    setMap(m);
    return () => {
      m.remove();
      overlay.current = null;
      vehicleMarker.current = null;
      lastFit.current = null;
    };
  }, []);

  // Tiles when the configured server answers; otherwise the region's own roads on a plain background.
  useEffect(() => {
    if (!map || tileUrl === undefined) return;
    let roadsLayer: L.GeoJSON | null = null;
    let roadsAbort: AbortController | null = null;
    let fellBack = false;
    let tiles: L.TileLayer | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const loadRoads = async () => {
      roadsAbort?.abort();
      roadsAbort = new AbortController();
      const b = map.getBounds();
      // The server is asked in WGS-84; the view's corners are in the tiles' coordinates.
      const [west, south] = projection.fromDisplay(b.getWest(), b.getSouth());
      const [east, north] = projection.fromDisplay(b.getEast(), b.getNorth());
      const bbox = [west, south, east, north].map((v) => v.toFixed(5)).join(',');
      try {
        const res = await fetch(`/api/roads?bbox=${bbox}&zoom=${Math.round(map.getZoom())}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: roadsAbort.signal,
        });
        if (!res.ok) return;
        const roads = (await res.json()) as GeoJSON.FeatureCollection & { synthetic?: boolean };
        roadsLayer?.remove();
        roadsLayer = L.geoJSON(projection.geoJsonToDisplay(roads), {
          interactive: false,
          style: (f) => ({ color: '#9aa5b1', weight: ROAD_WEIGHT[(f?.properties as { highway?: string })?.highway ?? ''] ?? 2, opacity: 0.9 }),
        }).addTo(map);
        roadsLayer.bringToBack();
        setOwnRoads({ synthetic: Boolean(roads.synthetic) });
      } catch {
        // Panning on while a request is under way aborts it; the next moveend loads again.
      }
    };
    const fallBack = () => {
      if (fellBack) return;
      fellBack = true;
      tiles?.remove();
      map.getContainer().classList.add('plain-map');
      map.on('moveend', loadRoads);
      void loadRoads();
    };
    if (tileUrl) {
      let loaded = 0;
      let failed = 0;
      tiles = L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 19 }).addTo(map);
      tiles.on('tileload', () => loaded++);
      tiles.on('tileerror', () => {
        if (++failed >= 2 && loaded === 0) fallBack();
      });
      // Blocked tile requests may hang instead of failing; a map without tiles after a few seconds has none.
      timer = setTimeout(() => loaded === 0 && fallBack(), 4000);
    } else {
      fallBack();
    }
    return () => {
      if (timer) clearTimeout(timer);
      roadsAbort?.abort();
      map.off('moveend', loadRoads);
      tiles?.remove();
      roadsLayer?.remove();
    };
  }, [map, tileUrl, tileAttribution, token, projection]);

  // Redrawn only when what is drawn changes, and refitted only for a new leg: the crew may have panned meanwhile.
  const drawn = JSON.stringify([route?.length, route?.[0], route?.[route.length - 1], scene, hospital, home]);
  const fitKey = JSON.stringify([route?.[0], route?.[route.length - 1], scene, home, route && route.length > 1 ? null : hospital?.lonLat, projection.tileCoordinates]);
  useEffect(() => {
    const layer = overlay.current;
    if (!map || !layer) return;
    const toLatLng = (p: LonLat) => latLngOf(projection, p);
    layer.clearLayers();
    const bounds: L.LatLngTuple[] = [];
    if (route && route.length > 1) {
      const latLngs = route.map((p) => toLatLng(p as LonLat));
      L.polyline(latLngs, { color: '#0b3d63', weight: 11, opacity: 0.9, interactive: false }).addTo(layer);
      L.polyline(latLngs, { color: '#29b6f6', weight: 6, opacity: 1, interactive: false }).addTo(layer);
      bounds.push(...latLngs);
    }
    if (home) L.marker(toLatLng(home), { icon: badge('home', '站'), interactive: false }).addTo(layer);
    if (scene) {
      L.marker(toLatLng(scene), { icon: badge('scene', '!'), interactive: false }).addTo(layer);
      bounds.push(toLatLng(scene));
    }
    if (hospital) {
      L.marker(toLatLng(hospital.lonLat), {
        icon: badge('hospital', 'H', LOAD_COLOUR[hospital.load] ?? '#1565c0'),
        interactive: false,
      }).addTo(layer);
      // Without a route yet, the map still shows where the patient goes.
      if (!(route && route.length > 1)) bounds.push(toLatLng(hospital.lonLat));
    }
    if (lastFit.current === fitKey) return;
    lastFit.current = fitKey;
    // No animation: the crew glances at the map, and a new leg should simply be there.
    if (bounds.length > 1) map.fitBounds(L.latLngBounds(bounds), { padding: [48, 48], maxZoom: 16, animate: false });
    else if (bounds.length === 1) map.setView(bounds[0]!, 15, { animate: false });
    else if (home) map.setView(toLatLng(home), 14, { animate: false });
    // `drawn` and `fitKey` stand for the arrays, which are new objects on every render of the screen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, drawn, fitKey, projection]);

  const vehicleKey = vehicle ? vehicle.join(',') : null;
  useEffect(() => {
    if (!map) return;
    if (!vehicle) {
      vehicleMarker.current?.remove();
      vehicleMarker.current = null;
      return;
    }
    const at = latLngOf(projection, vehicle);
    if (!vehicleMarker.current) vehicleMarker.current = L.marker(at, { icon: badge('vehicle', '120'), zIndexOffset: 1000 }).addTo(map);
    else vehicleMarker.current.setLatLng(at);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, vehicleKey, projection]);

  return (
    <div className="map-wrap">
      <div ref={element} className="map" data-testid="task-map" />
      {ownRoads?.synthetic && <div className="map-note">{t.syntheticMap}</div>}
    </div>
  );
}

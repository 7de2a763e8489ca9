import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { BaseMapLayer, colourOf, LOAD_COLOURS, mapProjection, type RoadCollection } from '@dispatch/ui';
import type { LonLat } from '../simulator/geometry';
import type { MapConfig } from './hooks/useTaskResources';
import { useI18n } from './i18n';

export interface TaskMapProps {
  /** null while the configuration is loading: no base map until the map knows what the tiles are drawn in. */
  config: MapConfig | null;
  loadRoads(bbox: string, zoom: number): Promise<RoadCollection>;
  /** The own roads drawn are the synthetic demo county's. */
  synthetic: boolean;
  /** The leg being driven now, [lon, lat] pairs. */
  route: [number, number][] | null;
  scene: LonLat | null;
  hospital: { lonLat: LonLat; load: string } | null;
  home: LonLat | null;
  vehicle: LonLat | null;
}

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

/** The task map: the shared base map (tiles, or the region's own roads without them), the leg, scene, hospital and vehicle. */
export function TaskMap({ config, loadRoads, synthetic, route, scene, hospital, home, vehicle }: TaskMapProps) {
  const { t } = useI18n();
  // The one place the tablet converts: stored WGS-84 in, the tiles' coordinates out (and back for the view).
  const projection = useMemo(() => mapProjection(config?.tileCoordinates ?? 'wgs84'), [config?.tileCoordinates]);
  const element = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const overlay = useRef<L.LayerGroup | null>(null);
  const vehicleMarker = useRef<L.Marker | null>(null);
  const lastFit = useRef<string | null>(null);

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

  // Redrawn only when what is drawn changes, and refitted only for a new leg: the crew may have panned meanwhile.
  const drawn = JSON.stringify([route?.length, route?.[0], route?.[route.length - 1], scene, hospital, home]);
  const fitKey = JSON.stringify([route?.[0], route?.[route.length - 1], scene, home, route && route.length > 1 ? null : hospital?.lonLat, projection.tileCoordinates]);
  useEffect(() => {
    const layer = overlay.current;
    if (!map || !layer) return;
    const toLatLng = (p: LonLat) => projection.lonLatToLatLng(p);
    layer.clearLayers();
    const bounds: L.LatLng[] = [];
    if (route && route.length > 1) {
      const latLngs = route.map(toLatLng);
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
      L.marker(toLatLng(hospital.lonLat), { icon: badge('hospital', 'H', colourOf(LOAD_COLOURS, hospital.load)), interactive: false }).addTo(layer);
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
    const at = projection.lonLatToLatLng(vehicle);
    if (!vehicleMarker.current) vehicleMarker.current = L.marker(at, { icon: badge('vehicle', '120'), zIndexOffset: 1000 }).addTo(map);
    else vehicleMarker.current.setLatLng(at);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, vehicleKey, projection]);

  return (
    <div className="map-wrap">
      <div ref={element} className="map" data-testid="task-map" />
      {map && config && (
        <BaseMapLayer
          map={map}
          projection={projection}
          tileUrl={config.tileUrl}
          attribution={config.tileAttribution}
          tiles
          roadsOverlay={false}
          loadRoads={loadRoads}
        />
      )}
      {synthetic && <div className="map-note">{t('syntheticData')}</div>}
    </div>
  );
}

import L from 'leaflet';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CallerLocationDto, ClientConfigDto, RoadRegionDto, RouteDto } from '@dispatch/protocol';
import { BaseMapLayer, mapProjection, MapProjectionContext, useLatest, type TileStatus } from '@dispatch/ui';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { useLive, useLiveContext } from '../realtime/useLive';
import { CoverageLayer, UncoveredVillages, type OverlayStatus } from './layers/CoverageLayer';
import { HospitalMarkers } from './layers/HospitalMarkers';
import { CallerLocation } from './layers/CallerLocation';
import { IncidentMarkers } from './layers/IncidentMarkers';
import { RouteLine } from './layers/RouteLine';
import { StationMarkers } from './layers/StationMarkers';
import { VehicleMarkers } from './layers/VehicleMarkers';
import { MapLegend } from './MapLegend';
import { textNode } from './text';
import { setViewCentre } from './viewCentre';

/** The layer panel in order: each layer's word, and whether it is on at first. */
const LAYERS = {
  tiles: ['layerTiles', true], roads: ['layerRoads', true], vehicles: ['layerVehicles', true], incidents: ['layerIncidents', true],
  stations: ['layerStations', true], hospitals: ['layerHospitals', true], route: ['layerRoute', true],
  catchments: ['layerCatchments', false], coverage: ['layerCoverage', false], uncovered: ['layerUncovered', true],
} satisfies Record<string, [MessageKey, boolean]>;
type LayerKey = keyof typeof LAYERS;

/** Jiexiu city centre (WGS-84), for a server that has no road region yet. */
const FALLBACK_CENTRE = { lon: 111.913, lat: 37.027 };

export interface MapViewProps {
  config: ClientConfigDto;
  region: RoadRegionDto | null;
  selectedIncidentId: string | null;
  onSelectIncident: (id: string) => void;
  /** Clicking the map picks a call's location. */
  onPick: (point: { lon: number; lat: number }) => void;
  picked: { lon: number; lat: number } | null;
  /** The caller's location as the phone network gave it, for the call being taken. */
  callerLocation: CallerLocationDto | null;
  routes: readonly RouteDto[];
  highlightVehicles: ReadonlySet<string>;
  /** The vehicles the selected incident's decision is about (its best candidates, or those on the way): framed with it. */
  frameVehicleIds: readonly string[];
  proposedHospitalId: string | null;
}

/** The live map: one Leaflet map, each layer a component that adds and removes its own Leaflet layers. */
export function MapView(props: MapViewProps) {
  const { config, region, selectedIncidentId, onSelectIncident, onPick, picked, routes, highlightVehicles, proposedHospitalId } = props;
  const { t } = useI18n();
  const live = useLive();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const [layers, setLayers] = useState(() => Object.fromEntries(Object.entries(LAYERS).map(([key, [, on]]) => [key, on])) as Record<LayerKey, boolean>);
  const [tileStatus, setTileStatus] = useState<TileStatus>('loading');
  const [catchmentStatus, setCatchmentStatus] = useState<OverlayStatus>('idle');
  const [coverageStatus, setCoverageStatus] = useState<OverlayStatus>('idle');
  const vehiclesRef = useLatest(live.vehicles);
  const onSelectRef = useLatest(onSelectIncident);
  // Clicking a vehicle on a task opens its incident.
  const onPickVehicle = useCallback((id: string) => {
    const incidentId = vehiclesRef.current.get(id)?.incidentId;
    if (incidentId) onSelectRef.current(incidentId);
  }, [vehiclesRef, onSelectRef]);
  const onPickRef = useLatest(onPick);
  // Fixed for the map's life: the console only mounts the map once the configuration is in.
  const projection = useMemo(() => mapProjection(config.tileCoordinates), [config.tileCoordinates]);
  const projectionRef = useLatest(projection);

  useEffect(() => {
    if (!container.current) return;
    const m = L.map(container.current, { zoomControl: true, attributionControl: true, preferCanvas: true, minZoom: 5, maxZoom: 19, zoomSnap: 0.25 });
    // Vehicles above station and hospital icons: a free ambulance parked at its station must stay visible.
    m.createPane('vehicles').style.zIndex = '630';
    m.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    // The view on the element (in the tiles' coordinates), for whoever drives the page (tests, kiosk scripts) to aim at a coordinate.
    const exposeView = () => {
      const c = m.getCenter();
      container.current?.setAttribute('data-view', `${m.getZoom()}/${c.lat.toFixed(6)}/${c.lng.toFixed(6)}`);
      // The gazetteer search ranks places nearer the view first (in WGS-84, as the server stores them).
      setViewCentre(projectionRef.current.fromLatLng(c));
    };
    m.on('moveend zoomend', exposeView);
    m.setView(projectionRef.current.toLatLng(FALLBACK_CENTRE), 11);
    m.on('click', (e: L.LeafletMouseEvent) => {
      // The server stores WGS-84: the click is read back out of the tiles' coordinates before it leaves the map.
      const { lon, lat } = projectionRef.current.fromLatLng(e.latlng);
      onPickRef.current({ lon: round6(lon), lat: round6(lat) });
    });
    // The banner and the panels change the map's size without a window resize: Leaflet must be told.
    const resize = new ResizeObserver(() => m.invalidateSize({ pan: false }));
    resize.observe(container.current);
    setMap(m);
    return () => {
      resize.disconnect();
      m.remove();
      setMap(null);
    };
  }, [onPickRef, projectionRef]);

  const { api, connection } = useLiveContext();
  const loadRoads = useCallback((bbox: string, zoom: number) => api.call('roads', { query: { bbox, zoom } }), [api]);

  const regionKey = region?.bbox?.join(',');
  useEffect(() => {
    if (!map || !regionKey) return;
    const [minLon, minLat, maxLon, maxLat] = regionKey.split(',').map(Number) as [number, number, number, number];
    map.fitBounds(L.latLngBounds([projection.toLatLng({ lon: minLon, lat: minLat }), projection.toLatLng({ lon: maxLon, lat: maxLat })]));
  }, [map, regionKey, projection]);

  // Frame the selected incident with the vehicles of its decision, once per incident and set of vehicles (a moving
  // vehicle does not move the view); with none of them placed, centre on the incident when it is off screen.
  const selected = selectedIncidentId ? live.incidents.get(selectedIncidentId) : undefined;
  const selectedLat = selected?.location.lat;
  const selectedLon = selected?.location.lon;
  const frameKey = props.frameVehicleIds.join(',');
  useEffect(() => {
    if (!map || selectedLat === undefined || selectedLon === undefined) return;
    const at = projection.toLatLng({ lon: selectedLon, lat: selectedLat });
    const vehicles = frameKey ? frameKey.split(',').flatMap((id) => connection.positionOf(id) ?? []) : [];
    if (vehicles.length === 0) {
      if (!map.getBounds().pad(-0.1).contains(at)) map.panTo(at);
      return;
    }
    const bounds = L.latLngBounds([at, ...vehicles.map((p) => projection.toLatLng(p))]);
    // Clear of the layer panel in the top right corner.
    map.fitBounds(bounds, { paddingTopLeft: [48, 48], paddingBottomRight: [240, 48], maxZoom: 15 });
  }, [map, selectedLat, selectedLon, frameKey, projection, connection]);

  useEffect(() => {
    if (!map || !picked) return;
    const marker = L.marker(projection.toLatLng(picked), {
      icon: L.divIcon({ className: 'pick-icon', html: textNode('✚'), iconSize: [28, 28] }),
      interactive: false,
      zIndexOffset: 2000,
    }).addTo(map);
    return () => void marker.remove();
  }, [map, picked, projection]);

  const toggle = (key: LayerKey) => setLayers((l) => ({ ...l, [key]: !l[key] }));
  const tilesFailed = layers.tiles && tileStatus === 'failed';
  const statusOf: Partial<Record<LayerKey, OverlayStatus | TileStatus>> = {
    tiles: tileStatus,
    catchments: catchmentStatus,
    coverage: coverageStatus,
  };

  return (
    <div className="map-wrap">
      <div ref={container} className="map" data-testid="map" />
      {map && (
        <MapProjectionContext.Provider value={projection}>
          <BaseMapLayer
            map={map}
            projection={projection}
            tileUrl={config.tileUrl || null}
            attribution={region?.synthetic ? `${config.tileAttribution} | ${t('syntheticData')}` : config.tileAttribution}
            tiles={layers.tiles}
            roadsOverlay={layers.roads}
            loadRoads={loadRoads}
            roadsVersion={live.settingsVersion}
            onTileStatus={setTileStatus}
          />
          <CoverageLayer key={`catchments:${live.settingsVersion}`} map={map} kind="catchments" visible={layers.catchments} onStatus={setCatchmentStatus} />
          <CoverageLayer key={`isochrones:${live.settingsVersion}`} map={map} kind="isochrones" visible={layers.coverage} onStatus={setCoverageStatus} />
          <UncoveredVillages map={map} visible={layers.uncovered} coverage={live.coverage} />
          <RouteLine map={map} visible={layers.route} routes={routes} />
          <StationMarkers map={map} visible={layers.stations} stations={live.stations} />
          <HospitalMarkers map={map} visible={layers.hospitals} hospitals={live.hospitals} proposedId={proposedHospitalId} />
          <CallerLocation map={map} location={props.callerLocation} />
          <IncidentMarkers map={map} visible={layers.incidents} incidents={live.incidents} selectedId={selectedIncidentId} onSelect={onSelectIncident} />
          <VehicleMarkers map={map} visible={layers.vehicles} highlight={highlightVehicles} staleAfterS={config.positionStaleAfterS} onPick={onPickVehicle} />
        </MapProjectionContext.Provider>
      )}
      <div className="layer-panel" data-testid="layer-panel">
        <Foldable id="layers" title={t('layers')}>
          {(Object.keys(LAYERS) as LayerKey[]).map((key) => {
            const status = statusOf[key];
            const bad = status === 'unavailable' || status === 'failed';
            return (
              <label key={key} className={bad ? 'bad' : ''} data-layer={key}>
                <input type="checkbox" checked={layers[key]} onChange={() => toggle(key)} /> {t(LAYERS[key][0])}
                {bad && <em className="layer-status"> · {t('unavailable')}</em>}
                {status === 'loading' && layers[key] && key !== 'tiles' && <em className="layer-status"> · {t('loading')}</em>}
              </label>
            );
          })}
        </Foldable>
        <Foldable id="legend" title={t('legend')} initiallyOpen={false}>
          <MapLegend />
        </Foldable>
      </div>
      {tilesFailed && (
        <div className="map-notice" data-testid="tiles-failed">
          {t('tilesFailed')}
        </div>
      )}
      {region?.synthetic && <div className="map-synthetic">{t('syntheticData')}</div>}
    </div>
  );
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * A panel section the dispatcher can fold away to see more map, remembered across reloads. A native
 * <details>: its summary is reachable with Tab and toggled with Enter or Space.
 */
function Foldable({ id, title, initiallyOpen = true, children }: { id: string; title: string; initiallyOpen?: boolean; children: ReactNode }) {
  const key = `console.map.${id}.open`;
  const [open] = useState(() => (localStorage.getItem(key) ?? String(initiallyOpen)) === 'true');
  return (
    <details open={open} onToggle={(e) => localStorage.setItem(key, String(e.currentTarget.open))} data-fold={id}>
      <summary className="panel-title">{title}</summary>
      {children}
    </details>
  );
}

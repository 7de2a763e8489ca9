import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useLatest } from '../hooks';
import type { MapProjection } from './projection';

export type TileStatus = 'loading' | 'ok' | 'failed';

export interface RoadCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { highway: string; name: string | null }; geometry: GeoJSON.LineString }[];
}

/** The pane of the region's own roads, between the tiles and the overlays. */
const ROADS_PANE = 'ownRoads';
/** Without a single tile within this time the tile server counts as unreachable (blocked requests may hang, not fail). */
const FIRST_TILE_TIMEOUT_MS = 4000;
/** Errors before the first tile that count as unreachable. */
const TILE_ERRORS_TO_FAIL = 3;

const CLASS_STYLE: Record<string, { color: string; weight: number }> = {
  motorway: { color: '#e8590c', weight: 5 },
  trunk: { color: '#f08c00', weight: 4.5 },
  primary: { color: '#f59f00', weight: 4 },
  secondary: { color: '#fab005', weight: 3.2 },
  tertiary: { color: '#8494a8', weight: 2.8 },
};

function styleFor(highway: string, prominent: boolean): L.PathOptions {
  const base = CLASS_STYLE[highway.replace(/_link$/, '')] ?? { color: '#a7b1bf', weight: 1.8 };
  return {
    color: prominent ? base.color : '#5b6b82',
    weight: prominent ? base.weight : Math.max(1, base.weight - 1.5),
    opacity: prominent ? 1 : 0.7,
    lineCap: 'round',
    lineJoin: 'round',
  };
}

export interface BaseMapLayerProps {
  map: L.Map;
  projection: MapProjection;
  /** null: no tile server configured. */
  tileUrl: string | null;
  /** Shown on the map whatever the tiles do: the region's own roads are OpenStreetMap data too. */
  attribution: string;
  /** The dispatcher may switch the tiles off. */
  tiles: boolean;
  /** The own roads over working tiles too, not only in their place. */
  roadsOverlay: boolean;
  /** `GET /api/roads` for a WGS-84 bbox ("w,s,e,n") at a whole zoom level, through the app's own client. */
  loadRoads(bbox: string, zoom: number): Promise<RoadCollection>;
  /** Changes when the roads changed on the server (another live region, a new import, new speeds): they are read again. */
  roadsVersion?: number;
  onTileStatus?(status: TileStatus): void;
}

/**
 * The base map of both apps: tiles from the configured server, and the region's own roads from the dispatch server
 * in their place when no tile arrives (a closed network, a blocked tile server, a bad URL) or when tiles are off.
 */
export function BaseMapLayer({ map, projection, tileUrl, attribution, tiles, roadsOverlay, loadRoads, roadsVersion, onTileStatus }: BaseMapLayerProps) {
  const [arrived, setArrived] = useState<{ url: string; status: TileStatus } | null>(null);
  const tileStatus: TileStatus = !tileUrl ? 'failed' : arrived?.url === tileUrl ? arrived.status : 'loading';
  // Without tiles the roads are the base map: drawn in full colour on a plain ground.
  const prominent = !tiles || tileStatus === 'failed';
  const drawRoads = roadsOverlay || prominent;
  const load = useLatest(loadRoads);
  const prominentRef = useRef(prominent);
  const roadsRef = useRef<L.GeoJSON | null>(null);

  useEffect(() => onTileStatus?.(tileStatus), [tileStatus, onTileStatus]);

  useEffect(() => {
    map.attributionControl.addAttribution(attribution);
    return () => {
      map.attributionControl.removeAttribution(attribution);
    };
  }, [map, attribution]);

  useEffect(() => {
    if (!tiles || !tileUrl) return;
    let loaded = 0;
    let errors = 0;
    const layer = L.tileLayer(tileUrl, { maxZoom: 19, crossOrigin: true });
    const timer = setTimeout(() => loaded === 0 && setArrived({ url: tileUrl, status: 'failed' }), FIRST_TILE_TIMEOUT_MS);
    layer.on('tileload', () => ++loaded === 1 && setArrived({ url: tileUrl, status: 'ok' }));
    layer.on('tileerror', () => loaded === 0 && ++errors >= TILE_ERRORS_TO_FAIL && setArrived({ url: tileUrl, status: 'failed' }));
    layer.addTo(map);
    return () => {
      clearTimeout(timer);
      layer.remove();
    };
  }, [map, tileUrl, tiles]);

  useEffect(() => {
    prominentRef.current = prominent;
    map.getContainer().classList.toggle('no-tiles', prominent);
    roadsRef.current?.setStyle((f) => styleFor((f?.properties as { highway: string }).highway, prominent));
  }, [map, prominent]);

  useEffect(() => {
    if (!drawRoads) return;
    // A pane of their own under the overlays that lets the pointer through: a canvas catches every pointer event
    // over it, and the map's areas and markers drawn above must get theirs.
    const pane = map.getPane(ROADS_PANE) ?? map.createPane(ROADS_PANE);
    pane.style.zIndex = '350';
    pane.style.pointerEvents = 'none';
    const layer = L.geoJSON(undefined, {
      pane: ROADS_PANE,
      renderer: L.canvas({ padding: 0.3, pane: ROADS_PANE }),
      interactive: false,
      style: (f) => styleFor((f?.properties as { highway: string }).highway, prominentRef.current),
    } as L.GeoJSONOptions).addTo(map);
    roadsRef.current = layer;
    let seq = 0;
    let loadedKey = '';
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const fetchRoads = async () => {
      // A padded view, rounded, so small pans reuse what is drawn; the map zooms in quarter steps, the server thins
      // roads by whole zoom levels.
      const bbox = projection.boundsToBbox(map.getBounds().pad(0.3)).map((x) => x.toFixed(3)).join(',');
      const zoom = Math.round(map.getZoom());
      const key = `${bbox}/${zoom}`;
      if (key === loadedKey) return;
      const mine = ++seq;
      try {
        const roads = await load.current(bbox, zoom);
        if (mine !== seq) return;
        loadedKey = key;
        layer.clearLayers();
        layer.addData(projection.geoJsonToDisplay(roads) as GeoJSON.FeatureCollection);
        layer.bringToBack();
      } catch {
        // No region or server away: the next move tries again.
      }
    };
    const schedule = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void fetchRoads(), 150);
    };
    void fetchRoads();
    map.on('moveend', schedule);
    return () => {
      clearTimeout(debounce);
      map.off('moveend', schedule);
      layer.remove();
      roadsRef.current = null;
    };
  }, [map, drawRoads, projection, load, roadsVersion]);
  return null;
}

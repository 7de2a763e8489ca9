import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useLiveContext } from '../../realtime/useLive';
import { useMapProjection } from '../projection';

interface RoadCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { highway: string; name: string | null }; geometry: GeoJSON.LineString }[];
}

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

/**
 * The active region's own road edges from `GET /api/roads`, refetched for the view after each pan or zoom.
 * "Prominent" is the stand-in base map when no tiles load; otherwise a thin overlay.
 */
export function RoadsLayer({ map, visible, prominent }: { map: L.Map; visible: boolean; prominent: boolean }) {
  const { api } = useLiveContext();
  const projection = useMapProjection();
  const prominentRef = useRef(prominent);
  const layerRef = useRef<L.GeoJSON | null>(null);

  useEffect(() => {
    prominentRef.current = prominent;
    layerRef.current?.setStyle((f) => styleFor((f?.properties as { highway: string }).highway, prominent));
  }, [prominent]);

  useEffect(() => {
    if (!visible) return;
    const renderer = L.canvas({ padding: 0.3 });
    const layer = L.geoJSON(undefined, {
      renderer,
      interactive: false,
      style: (f) => styleFor((f?.properties as { highway: string }).highway, prominentRef.current),
    } as L.GeoJSONOptions);
    layer.addTo(map);
    layerRef.current = layer;
    let seq = 0;
    let loadedKey = '';
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      // A padded view, rounded, so small pans reuse what is drawn.
      const b = projection.boundsToBbox(map.getBounds().pad(0.3));
      // The map zooms in half steps; the server thins roads by whole zoom levels.
      const zoom = Math.round(map.getZoom());
      const bbox = b.map((x) => x.toFixed(3)).join(',');
      const key = `${bbox}/${zoom}`;
      if (key === loadedKey) return;
      const mine = ++seq;
      try {
        const roads = await api.get<RoadCollection>(`/roads?bbox=${bbox}&zoom=${zoom}`);
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
      debounce = setTimeout(() => void load(), 150);
    };
    void load();
    map.on('moveend', schedule);
    return () => {
      clearTimeout(debounce);
      map.off('moveend', schedule);
      layer.remove();
      layerRef.current = null;
    };
  }, [map, visible, api, projection]);
  return null;
}

import L from 'leaflet';
import { useEffect } from 'react';

export type TileStatus = 'loading' | 'ok' | 'failed';

/** Without a single tile within this time the tile server counts as unreachable. */
const FIRST_TILE_TIMEOUT_MS = 4000;

/**
 * The configurable raster base map. It reports whether tiles actually arrive, so the map can fall back
 * to the region's own roads: a closed network, a blocked tile server or a bad URL all end in "failed".
 */
export function TileBaseLayer({
  map,
  url,
  visible,
  onStatus,
}: {
  map: L.Map;
  url: string;
  visible: boolean;
  onStatus: (status: TileStatus) => void;
}) {
  useEffect(() => {
    if (!visible) return;
    let loaded = 0;
    let errors = 0;
    onStatus('loading');
    // The attribution is on the map itself (always shown), so the layer carries none of its own.
    const layer = L.tileLayer(url, { maxZoom: 19, crossOrigin: true });
    const timer = setTimeout(() => {
      if (loaded === 0) onStatus('failed');
    }, FIRST_TILE_TIMEOUT_MS);
    layer.on('tileload', () => {
      loaded++;
      if (loaded === 1) onStatus('ok');
    });
    layer.on('tileerror', () => {
      errors++;
      if (loaded === 0 && errors >= 3) onStatus('failed');
    });
    layer.addTo(map);
    return () => {
      clearTimeout(timer);
      layer.remove();
    };
  }, [map, url, visible, onStatus]);
  return null;
}

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { RouteDto } from '@dispatch/protocol';
import { useMapProjection } from '@dispatch/ui';

const keyOf = (routes: readonly RouteDto[]) => routes.map((r) => `${r.geometry.coordinates[0]?.join()}>${r.distanceM}`).join('|');

/**
 * The assigned route(s) of the selected incident: a dark casing under a bright line, readable on any base map.
 * A route seen for the first time is brought into view once; after that the dispatcher's zoom stays.
 */
export function RouteLine({ map, visible, routes }: { map: L.Map; visible: boolean; routes: readonly RouteDto[] }) {
  const fitted = useRef('');
  const projection = useMapProjection();
  useEffect(() => {
    if (!visible || routes.length === 0) return;
    // SVG, not the map's canvas: a handful of lines, and each stays an element one can inspect.
    const renderer = L.svg();
    const group = L.layerGroup();
    const lines = routes.map((r) => r.geometry.coordinates.map(projection.lonLatToLatLng));
    for (const latLngs of lines) {
      L.polyline(latLngs, { renderer, color: '#0b1220', weight: 9, opacity: 0.75, interactive: false }).addTo(group);
      L.polyline(latLngs, { renderer, color: '#38bdf8', weight: 5, opacity: 1, interactive: false, className: 'route-line' }).addTo(group);
    }
    group.addTo(map);
    const key = keyOf(routes);
    if (key !== fitted.current) {
      fitted.current = key;
      const bounds = L.latLngBounds(lines.flat());
      if (bounds.isValid()) map.flyToBounds(bounds.pad(0.4), { maxZoom: 14, duration: 0.6 });
    }
    return () => void group.remove();
  }, [map, visible, routes, projection]);
  return null;
}

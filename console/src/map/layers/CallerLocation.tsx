import L from 'leaflet';
import { useEffect } from 'react';
import type { CallerLocationDto } from '@dispatch/protocol';
import { useMapProjection } from '@dispatch/ui';

/**
 * Where the network says the caller of the call being taken is: a circle of the location's radius (an AML fix a few
 * metres, a carrier's cell a kilometre or more) and its centre. The map frames it when it appears.
 */
export function CallerLocation({ map, location }: { map: L.Map; location: CallerLocationDto | null }) {
  const projection = useMapProjection();
  const lon = location?.lon;
  const lat = location?.lat;
  const radius = location?.radiusM;
  useEffect(() => {
    if (lon === undefined || lat === undefined || radius === undefined) return;
    const centre = projection.toLatLng({ lon, lat });
    // SVG (the map draws on canvas otherwise): two shapes, and the circle is an element a test or a kiosk script can find.
    const renderer = L.svg();
    const group = L.layerGroup([
      L.circle(centre, { renderer, radius, className: 'caller-circle', color: '#d9480f', weight: 2, fillOpacity: 0.12, interactive: false }),
      L.circleMarker(centre, { renderer, radius: 4, className: 'caller-centre', color: '#d9480f', fillOpacity: 1, interactive: false }),
    ]).addTo(map);
    // At least a few hundred metres around it, so the streets near a precise fix are seen too.
    map.fitBounds(centre.toBounds(Math.max(2.5 * radius, 600)), { maxZoom: 17 });
    return () => void group.remove();
  }, [map, lon, lat, radius, projection]);
  return null;
}

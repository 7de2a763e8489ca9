import L from 'leaflet';
import { useEffect } from 'react';
import type { HospitalDto } from '@dispatch/protocol';
import { colourOf, LOAD_COLOURS, useMapProjection } from '@dispatch/ui';
import { useI18n } from '../../i18n/i18n';
import { textNode } from '../text';

/**
 * Hospitals coloured by their published load (blue/yellow/red, grey × closed). Receiving hospitals are
 * labelled squares; the many village clinics small dots on the canvas.
 */
export function HospitalMarkers({
  map,
  visible,
  hospitals,
  proposedId,
}: {
  map: L.Map;
  visible: boolean;
  hospitals: ReadonlyMap<string, HospitalDto>;
  proposedId: string | null;
}) {
  const { label, name: localName } = useI18n();
  const projection = useMapProjection();
  useEffect(() => {
    if (!visible) return;
    const layers: L.Layer[] = [];
    for (const h of hospitals.values()) {
      const name = localName(h);
      const colour = colourOf(LOAD_COLOURS, h.loadStatus);
      const tip = `${name} · ${label('load', h.loadStatus)}`;
      // Village clinics as dots on the map's one canvas (preferCanvas), shared with the areas and villages: of two
      // overlapping canvases the upper one takes every pointer event.
      if (h.kind === 'village_clinic') {
        layers.push(
          L.circleMarker(projection.toLatLng(h.location), { radius: 3, weight: 1, color: '#1f2937', fillColor: colour, fillOpacity: 0.9 }).bindTooltip(textNode(tip)),
        );
        continue;
      }
      const proposed = h.id === proposedId;
      layers.push(
        L.marker(projection.toLatLng(h.location), {
          icon: L.divIcon({
            className: `hospital-icon load-${h.loadStatus}${proposed ? ' proposed' : ''}`,
            html: textNode(h.loadStatus === 'closed' ? '×' : 'H', 'face', colour),
            iconSize: [18, 18],
          }),
          keyboard: false,
          zIndexOffset: proposed ? 500 : 0,
        }).bindTooltip(textNode(h.kind === 'general' || proposed ? name : tip), { permanent: h.kind === 'general' || proposed, direction: 'bottom', offset: [0, 8], className: 'hospital-label' }),
      );
    }
    const group = L.layerGroup(layers).addTo(map);
    return () => void group.remove();
  }, [map, visible, hospitals, proposedId, label, localName, projection]);
  return null;
}

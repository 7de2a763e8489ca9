import L from 'leaflet';
import { useEffect } from 'react';
import type { StationDto } from '@dispatch/protocol';
import { useMapProjection } from '@dispatch/ui';
import { useI18n } from '../../i18n/i18n';
import { textNode } from '../text';

/** Emergency centre and substations: few, so DOM markers with permanent names. */
export function StationMarkers({ map, visible, stations }: { map: L.Map; visible: boolean; stations: readonly StationDto[] }) {
  const { name } = useI18n();
  const projection = useMapProjection();
  useEffect(() => {
    if (!visible) return;
    const group = L.layerGroup(
      stations.map((s) =>
        L.marker(projection.toLatLng(s.location), {
          icon: L.divIcon({ className: `station-icon ${s.kind}`, html: textNode(s.kind === 'centre' ? '120' : '站'), iconSize: [26, 20] }),
          keyboard: false,
          zIndexOffset: -100,
        }).bindTooltip(textNode(name(s)), {
          permanent: true,
          direction: 'top',
          offset: [0, -10],
          className: 'station-label',
        }),
      ),
    ).addTo(map);
    return () => void group.remove();
  }, [map, visible, stations, name, projection]);
  return null;
}

import L from 'leaflet';
import { useEffect } from 'react';
import type { IncidentDto } from '@dispatch/protocol';
import { colourOf, PRIORITY_COLOURS, useLatest, useMapProjection } from '@dispatch/ui';
import { useI18n } from '../../i18n/i18n';
import { textNode } from '../text';

const LIVE = new Set(['open', 'queued', 'assigned']);

/** Unfinished incidents, by priority colour; an unassigned one pulses. Clicking one selects it. */
export function IncidentMarkers({
  map,
  visible,
  incidents,
  selectedId,
  onSelect,
}: {
  map: L.Map;
  visible: boolean;
  incidents: ReadonlyMap<string, IncidentDto>;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { label } = useI18n();
  const projection = useMapProjection();
  const onSelectRef = useLatest(onSelect);
  useEffect(() => {
    if (!visible) return;
    const group = L.layerGroup();
    for (const i of incidents.values()) {
      if (!LIVE.has(i.status)) continue;
      const selected = i.id === selectedId;
      const marker = L.marker(projection.toLatLng(i.location), {
        icon: L.divIcon({
          className: `incident-icon p${i.priority} ${i.status}${selected ? ' selected' : ''}`,
          html: textNode(String(i.number), 'face', colourOf(PRIORITY_COLOURS, i.priority)),
          iconSize: selected ? [30, 30] : [24, 24],
        }),
        zIndexOffset: selected ? 1000 : 600,
      });
      marker.bindTooltip(textNode(`#${i.number} ${label('category', i.category)} · ${label('incidentStatus', i.status)}`), { direction: 'top', offset: [0, -12] });
      marker.on('click', () => onSelectRef.current(i.id));
      marker.addTo(group);
    }
    group.addTo(map);
    return () => void group.remove();
  }, [map, visible, incidents, selectedId, label, projection, onSelectRef]);
  return null;
}

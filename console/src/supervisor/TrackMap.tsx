import L from 'leaflet';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ClientConfigDto, IncidentTrackDto } from '@dispatch/protocol';
import { BaseMapLayer, mapProjection } from '@dispatch/ui';
import { useLiveContext } from '../realtime/useLive';

const COLOURS = ['#38bdf8', '#f59e0b', '#a855f7', '#22c55e'];

/**
 * The incident's place and the way each vehicle actually drove (its recorded positions, not the planned route), on
 * the same base map as the desk: tiles, or the region's own roads when no tile loads.
 */
export function TrackMap({ config, location, tracks }: { config: ClientConfigDto; location: { lon: number; lat: number }; tracks: IncidentTrackDto['tracks'] }) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const projection = useMemo(() => mapProjection(config.tileCoordinates), [config.tileCoordinates]);
  const { api } = useLiveContext();
  const loadRoads = useCallback((bbox: string, zoom: number) => api.call('roads', { query: { bbox, zoom } }), [api]);

  useEffect(() => {
    if (!container.current) return;
    const m = L.map(container.current, { zoomControl: true, attributionControl: true, minZoom: 5, maxZoom: 19, zoomSnap: 0.25 });
    m.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    m.setView(projection.toLatLng(location), 13);
    const resize = new ResizeObserver(() => m.invalidateSize({ pan: false }));
    resize.observe(container.current);
    setMap(m);
    return () => {
      resize.disconnect();
      m.remove();
      setMap(null);
    };
  }, [projection, location]);

  useEffect(() => {
    if (!map) return;
    const renderer = L.svg();
    const group = L.layerGroup().addTo(map);
    const points: L.LatLng[] = [projection.toLatLng(location)];
    L.circleMarker(points[0]!, { renderer, radius: 8, color: '#fff', weight: 2, fillColor: '#e5484d', fillOpacity: 1, className: 'track-incident' }).addTo(group);
    tracks.forEach((track, i) => {
      if (!track.line) return;
      const latLngs = track.line.coordinates.map(projection.lonLatToLatLng);
      points.push(...latLngs);
      L.polyline(latLngs, { renderer, color: '#0b1220', weight: 8, opacity: 0.7, interactive: false }).addTo(group);
      L.polyline(latLngs, { renderer, color: COLOURS[i % COLOURS.length], weight: 4, interactive: false, className: 'track-line' }).addTo(group);
      L.circleMarker(latLngs[0]!, { renderer, radius: 4, color: COLOURS[i % COLOURS.length], fillOpacity: 1 }).addTo(group);
    });
    const bounds = L.latLngBounds(points);
    if (points.length > 1 && bounds.isValid()) map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
    return () => void group.remove();
  }, [map, tracks, location, projection]);

  return (
    <div className="track-map-wrap">
      <div ref={container} className="map track-map" data-testid="track-map" data-lines={tracks.filter((t) => t.line).length} />
      {map && (
        <BaseMapLayer map={map} projection={projection} tileUrl={config.tileUrl || null} attribution={config.tileAttribution} tiles roadsOverlay={false} loadRoads={loadRoads} />
      )}
    </div>
  );
}

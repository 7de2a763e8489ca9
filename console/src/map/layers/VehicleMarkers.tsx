import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { VehicleDto, VehiclePositionDto } from '@dispatch/protocol';
import { useLatest, useMapProjection, vehicleColour } from '@dispatch/ui';
import { isStale } from '../../common/format';
import { useI18n } from '../../i18n/i18n';
import { useLive, useLiveContext } from '../../realtime/useLive';
import { passPointerThrough } from '../passThrough';
import { textNode } from '../text';

interface Tracked {
  marker: L.CircleMarker;
  from: L.LatLng;
  to: L.LatLng;
  start: number;
  duration: number;
  lastFixAt: number;
  /** Whether the call sign shows without hovering. */
  labelled: boolean | null;
  /** What its style and label were made of (a restyle with the same is skipped). */
  styleKey: string;
}

/** Above this many vehicles call signs show on hover only: a thousand labels are unreadable anyway. */
const MAX_PERMANENT_LABELS = 60;
/** Glide between fixes for about the time between them, within these bounds. */
const MIN_GLIDE_MS = 400;
const MAX_GLIDE_MS = 5000;
/** A move shorter than this on screen is a jump: gliding a fraction of a pixel would redraw for nothing. */
const MIN_GLIDE_PX = 2;
/**
 * Above this many vehicles the glide steps this often rather than every frame: each step redraws the whole
 * vehicles' canvas (a thousand circles), and a glide of a few pixels a second looks the same at 10 steps a second.
 */
const BIG_FLEET = 200;
const BIG_FLEET_STEP_MS = 100;
/** How often fixes are checked for turning stale when nothing else restyles them. */
const STALE_CHECK_MS = 5000;

function styleOf(vehicle: VehicleDto | undefined, stale: boolean, selected: boolean): L.CircleMarkerOptions {
  const colour = vehicle ? vehicleColour(vehicle.state, vehicle.taskStatus) : '#94a3b8';
  return {
    radius: selected ? 10 : 7,
    color: stale ? '#9ca3af' : selected ? '#ffffff' : '#0b1220',
    weight: selected ? 3 : 2,
    dashArray: stale ? '3 3' : undefined,
    fillColor: colour,
    fillOpacity: stale ? 0.55 : 0.95,
  };
}

/**
 * Every vehicle as a circle on one canvas renderer, gliding from fix to fix (linear interpolation in one
 * animation loop for all of them), coloured by state and task step; stale fixes dashed and faded.
 */
export function VehicleMarkers({
  map,
  visible,
  highlight,
  staleAfterS,
  onPick,
}: {
  map: L.Map;
  visible: boolean;
  highlight: ReadonlySet<string>;
  /** The server's POSITION_STALE_AFTER_S. */
  staleAfterS: number;
  /** A click on a vehicle (not passed on to the map, where a click would locate a call). */
  onPick: (vehicleId: string) => void;
}) {
  const { connection } = useLiveContext();
  const { vehicles } = useLive();
  const { label } = useI18n();
  const projection = useMapProjection();
  const tracked = useRef(new Map<string, Tracked>());
  const groupRef = useRef<L.LayerGroup | null>(null);
  const restyleRef = useRef<(id: string, t: Tracked) => void>(() => undefined);
  const onPickRef = useLatest(onPick);

  // Colours and labels follow the vehicle list (state changes) and the age of the newest fix; only the vehicles whose
  // look changed are restyled. Free vehicles parked at a station would bury each other's labels: only vehicles on a
  // task (or picked) carry one.
  useEffect(() => {
    const restyle = (id: string, t: Tracked) => {
      const vehicle = vehicles.get(id);
      const stale = isStale(connection.positionOf(id)?.deviceTime, Date.now(), staleAfterS);
      const picked = highlight.has(id);
      const status = vehicle ? (vehicle.taskStatus ? label('taskStatus', vehicle.taskStatus) : label('vehicleState', vehicle.state)) : '';
      const text = vehicle ? `${vehicle.callSign} · ${status}` : id.slice(0, 8);
      const labelled = tracked.current.size <= MAX_PERMANENT_LABELS && (picked || (vehicle !== undefined && vehicle.state !== 'available'));
      const styleKey = `${vehicle?.state}|${vehicle?.taskStatus}|${stale}|${picked}|${labelled}|${text}`;
      if (styleKey === t.styleKey) return;
      t.styleKey = styleKey;
      t.marker.setStyle(styleOf(vehicle, stale, picked));
      if (labelled !== t.labelled) {
        t.marker.unbindTooltip();
        t.marker.bindTooltip(textNode(text), { permanent: labelled, direction: 'right', offset: [9, 0], className: labelled ? 'vehicle-label on-task' : 'vehicle-label' });
        t.labelled = labelled;
      } else {
        t.marker.setTooltipContent(textNode(text));
      }
      if (picked) t.marker.bringToFront();
    };
    restyleRef.current = restyle;
    const restyleAll = () => {
      for (const [id, t] of tracked.current) restyle(id, t);
    };
    restyleAll();
    // A vehicle that stops reporting turns stale with no change to the vehicle list.
    const staleCheck = setInterval(restyleAll, STALE_CHECK_MS);
    return () => clearInterval(staleCheck);
  }, [vehicles, highlight, connection, label, staleAfterS]);

  useEffect(() => {
    // Little padding: the whole canvas is cleared, drawn and handed to the compositor on every step.
    const renderer = L.canvas({ padding: 0.1, pane: 'vehicles' });
    const group = L.layerGroup();
    groupRef.current = group;
    const markers = tracked.current;
    let frame: number | null = null;
    let lastStep = 0;

    const step = () => {
      frame = null;
      const now = performance.now();
      if (markers.size > BIG_FLEET && now - lastStep < BIG_FLEET_STEP_MS) {
        frame = requestAnimationFrame(step);
        return;
      }
      lastStep = now;
      let moving = false;
      for (const t of markers.values()) {
        const k = t.duration > 0 ? (now - t.start) / t.duration : 1;
        if (k >= 1) {
          if (!t.marker.getLatLng().equals(t.to)) t.marker.setLatLng(t.to);
          continue;
        }
        moving = true;
        t.marker.setLatLng([t.from.lat + (t.to.lat - t.from.lat) * k, t.from.lng + (t.to.lng - t.from.lng) * k]);
      }
      if (moving) frame = requestAnimationFrame(step);
    };

    const onPositions = (batch: readonly VehiclePositionDto[]) => {
      const now = performance.now();
      const inView = map.getBounds();
      for (const p of batch) {
        const to = projection.toLatLng(p);
        const known = markers.get(p.vehicleId);
        if (!known) {
          const marker = L.circleMarker(to, { renderer, bubblingMouseEvents: false, ...styleOf(undefined, false, false) });
          const vehicleId = p.vehicleId;
          marker.on('click', () => onPickRef.current(vehicleId));
          marker.addTo(group);
          const fresh: Tracked = { marker, from: to, to, start: now, duration: 1, lastFixAt: now, labelled: null, styleKey: '' };
          markers.set(p.vehicleId, fresh);
          restyleRef.current(p.vehicleId, fresh);
          continue;
        }
        const glide = Math.min(MAX_GLIDE_MS, Math.max(MIN_GLIDE_MS, now - known.lastFixAt));
        known.from = known.marker.getLatLng();
        known.to = to;
        known.start = now;
        // A move too short to see, or out of view, is a jump (the step sets it once).
        const short = map.latLngToLayerPoint(known.from).distanceTo(map.latLngToLayerPoint(to)) < MIN_GLIDE_PX;
        known.duration = short || !inView.contains(to) ? 0 : glide;
        known.lastFixAt = now;
      }
      if (frame === null) frame = requestAnimationFrame(step);
    };
    const unsubscribe = connection.subscribePositions(onPositions);
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
      group.remove();
      markers.clear();
      groupRef.current = null;
    };
  }, [connection, projection, onPickRef, map]);

  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    if (visible) group.addTo(map);
    else group.remove();
  }, [map, visible]);

  // The vehicles' canvas covers the map: what it does not draw there, the icons and areas beneath receive.
  useEffect(
    () =>
      passPointerThrough(map, 'vehicles', (point) => {
        if (!groupRef.current || !map.hasLayer(groupRef.current)) return false;
        for (const t of tracked.current.values()) {
          if (map.latLngToContainerPoint(t.marker.getLatLng()).distanceTo(point) <= t.marker.getRadius() + 2) return true;
        }
        return false;
      }),
    [map],
  );

  return null;
}

import type L from 'leaflet';
import { useEffect, useMemo, useRef } from 'react';
import type { VehiclePositionDto } from '@dispatch/protocol';
import { useLatest, useMapProjection, vehicleColour } from '@dispatch/ui';
import { isStale } from '../../common/format';
import { useI18n } from '../../i18n/i18n';
import { useLive, useLiveContext } from '../../realtime/useLive';
import { passPointerThrough } from '../passThrough';
import { VehicleCanvas, type VehicleLook } from './vehicleCanvas';

/** Above this many vehicles call signs show on hover only: a thousand labels are unreadable anyway. */
const MAX_PERMANENT_LABELS = 60;
/** How often fixes are checked for turning stale when nothing else restyles them. */
const STALE_CHECK_MS = 5000;

/**
 * Every vehicle on one canvas (VehicleCanvas: drawn in one pass, its own hit testing), gliding from fix to fix,
 * coloured by state and task step; stale fixes dashed and faded. Positions go from the connection straight to the
 * canvas, never through React state.
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
  // One canvas for the map's life; the vehicles pane keeps it above station and hospital icons.
  const canvas = useMemo(() => new VehicleCanvas({ padding: 0.1, pane: 'vehicles' }), []);
  // Its drawing worker ends with the markers (a remount starts a new one).
  useEffect(() => () => canvas.dispose(), [canvas]);

  // A vehicle's look follows the vehicle list (state changes), the age of its newest fix and the selection; only
  // the vehicles whose look changed are drawn again. Free vehicles parked at a station would bury each other's
  // labels: only vehicles on a task (or picked) carry one.
  const lookOf = useLatest((id: string): VehicleLook => {
    const vehicle = vehicles.get(id);
    const picked = highlight.has(id);
    const status = vehicle ? (vehicle.taskStatus ? label('taskStatus', vehicle.taskStatus) : label('vehicleState', vehicle.state)) : '';
    return {
      fill: vehicle ? vehicleColour(vehicle.state, vehicle.taskStatus) : '#94a3b8',
      stale: isStale(connection.positionOf(id)?.deviceTime, Date.now(), staleAfterS),
      picked,
      text: vehicle ? `${vehicle.callSign} · ${status}` : id.slice(0, 8),
      labelled: canvas.size <= MAX_PERMANENT_LABELS && (picked || (vehicle !== undefined && vehicle.state !== 'available')),
    };
  });

  useEffect(() => {
    const restyleAll = () => {
      for (const id of canvas.ids()) canvas.setLook(id, lookOf.current(id));
    };
    restyleAll();
    // A vehicle that stops reporting turns stale with no change to the vehicle list.
    const staleCheck = setInterval(restyleAll, STALE_CHECK_MS);
    return () => clearInterval(staleCheck);
  }, [vehicles, highlight, connection, label, staleAfterS, canvas, lookOf]);

  // A vehicle that leaves the list (deleted, or another centre's whose help on our call ended) leaves the map. One never
  // listed yet (its first fix before its update) stays: the list may still bring it.
  const listed = useRef(vehicles);
  useEffect(() => {
    for (const id of listed.current.keys()) if (!vehicles.has(id)) canvas.drop(id);
    listed.current = vehicles;
  }, [vehicles, canvas]);

  useEffect(() => {
    const onPositions = (batch: readonly VehiclePositionDto[]) => {
      const inView = canvas.size > 0 ? map.getBounds() : null;
      for (const p of batch) {
        const known = canvas.size;
        canvas.setFix(p.vehicleId, projection.toLatLng(p), inView);
        if (canvas.size > known) canvas.setLook(p.vehicleId, lookOf.current(p.vehicleId));
      }
    };
    return connection.subscribePositions(onPositions);
  }, [connection, projection, map, canvas, lookOf]);

  useEffect(() => {
    const pick = (e: L.LeafletEvent & { vehicleId?: string }) => e.vehicleId && onPick(e.vehicleId);
    canvas.on('vehiclepick', pick);
    return () => void canvas.off('vehiclepick', pick);
  }, [canvas, onPick]);

  useEffect(() => {
    if (!visible) return;
    canvas.addTo(map);
    return () => void canvas.remove();
  }, [map, visible, canvas]);

  // The vehicles' canvas covers the map: what it does not draw there, the icons and areas beneath receive.
  useEffect(() => passPointerThrough(map, 'vehicles', (point) => map.hasLayer(canvas) && canvas.hitTest(point) !== null), [map, canvas]);

  return null;
}

import type { RouteDto } from '@dispatch/protocol';
import type { GraphRegistry } from '@dispatch/geo/routing/graphRegistry';
import { rankFromSource } from '@dispatch/geo/routing/rankFromSource';
import { hierarchyOf } from '@dispatch/geo/routing/contractionHierarchy';
import { etasToTarget, rankToTarget, REACHABLE, refreshFleetSelection, UNREACHABLE_REASONS } from '@dispatch/geo/routing/rankToTarget';
import { etasToTargetByGroup, groupSelectionRestarts, refreshGroupSelections } from '@dispatch/geo/routing/fleetGroups';
import type { RoadGraph } from '@dispatch/geo/routing/roadGraph';
import { route } from '@dispatch/geo/routing/route';
import { nearestOnRoad, snapToRoad, toMainNetwork, trySnapToRoad, type RoadSnap } from '@dispatch/geo/routing/snap';
import { FLEET_REACHABLE, FLEET_UNREACHABLE, type FleetEtas, type FleetSources, type LonLat, type TravelResult, type TravelService } from './travelService';

// The fleet columns carry the geo search's reason codes as they are.
if (REACHABLE !== FLEET_REACHABLE || UNREACHABLE_REASONS.join() !== FLEET_UNREACHABLE.join()) throw new Error('fleet reason codes differ from the search\'s');

/** Snaps a point (TooFarFromRoadError beyond the limit), falling back to the main network when its road is cut off. */
const mainSnap = (g: RoadGraph, point: LonLat, what: string): RoadSnap => toMainNetwork(g, point, snapToRoad(g, point, undefined, what))!;

/** A larger copy of a typed array (its values kept). */
function grownTo(array: Float64Array<ArrayBuffer>, count: number): Float64Array<ArrayBuffer> {
  const copy = new Float64Array(Math.max(count, array.length * 2));
  copy.set(array);
  return copy;
}

/**
 * Travel times over the in-memory road graph of the configured region (or the most recently imported one),
 * reloaded by the registry when the region is re-imported.
 */
export function graphTravelService(registry: GraphRegistry, region?: string): TravelService {
  let lastRegion: string | null = region ?? null;
  const graph = async () => {
    const g = await registry.get(region);
    lastRegion = g.region;
    return g;
  };
  // Vehicles mostly stand still or report every few seconds while rankings come at every call: a vehicle's
  // (a station's, a hospital's) snap is kept until its position (or the graph) changes. Snapping 1,000 vehicles is ~17 ms of a ranking.
  const snaps = new Map<string, { graph: RoadGraph; lon: number; lat: number; snap: RoadSnap | null }>();
  const snapOf = (g: RoadGraph, id: string, [lon, lat]: LonLat) => snapAt(g, id, lon, lat);
  const snapAt = (g: RoadGraph, id: string, lon: number, lat: number) => {
    const hit = snaps.get(id);
    if (hit && hit.graph === g && hit.lon === lon && hit.lat === lat) return hit.snap;
    // A vehicle on a piece cut off from the main network is ranked from the nearest point of the main network.
    const snap = toMainNetwork(g, [lon, lat], trySnapToRoad(g, [lon, lat]));
    // Ids come and go (notices, retired vehicles): forget everything rather than grow without bound.
    if (snaps.size > 20_000) snaps.clear();
    snaps.set(id, { graph: g, lon, lat, snap });
    return snap;
  };
  let refreshing = false;
  /** Fleet rankings so far: a deferred refresh is for the fleet of the last one only. */
  let calls = 0;
  /** The snaps of a fleet's sources by position in it, kept across calls (see etasToTarget), one set per centre. */
  type Slots = { ids: string[]; lon: Float64Array<ArrayBuffer>; lat: Float64Array<ArrayBuffer>; snaps: (RoadSnap | null)[] };
  const slotsByCentre = new Map<string, Slots>();
  let slotsGraph: RoadGraph | null = null;
  /** The last fleet ranking's snaps by source index (the grouped search reads them so). */
  const fleetSnaps: (RoadSnap | null)[] = [];
  /**
   * Source start .. end-1's snaps into fleetSnaps (and their fallback metres into out), from the slots kept under `key`:
   * a fleet given in the same order as last time (the usual case, each centre's vehicles in the fleet's order) finds
   * each vehicle's snap there with no lookup and no object; the id map serves the others.
   */
  const snapRange = (g: RoadGraph, key: string, sources: FleetSources, start: number, end: number, out: FleetEtas) => {
    let slots = slotsByCentre.get(key);
    if (!slots) slotsByCentre.set(key, (slots = { ids: [], lon: new Float64Array(0), lat: new Float64Array(0), snaps: [] }));
    const count = end - start;
    if (slots.lon.length < count) Object.assign(slots, { lon: grownTo(slots.lon, count), lat: grownTo(slots.lat, count) });
    const { ids: slotIds, lon: slotLon, lat: slotLat, snaps: slotSnaps } = slots;
    const { ids, lon, lat } = sources;
    for (let i = start; i < end; i++) {
      const k = i - start;
      const id = ids[i]!;
      const x = lon[i]!;
      const y = lat[i]!;
      let snap: RoadSnap | null;
      if (slotIds[k] === id && slotLon[k] === x && slotLat[k] === y) snap = slotSnaps[k]!;
      else {
        snap = snapAt(g, id, x, y);
        slotIds[k] = id;
        slotLon[k] = x;
        slotLat[k] = y;
        slotSnaps[k] = snap;
      }
      fleetSnaps[i] = snap;
      out.fallbackExtraM[i] = snap?.fallbackExtraM ?? NaN;
    }
  };
  return {
    regionName: () => lastRegion,
    async toTarget(target, sources, maxSeconds) {
      const g = await graph();
      const snapped = sources.map((s) => ({ ...s, snap: snapOf(g, s.id, s.lonLat) }));
      const targetSnap = mainSnap(g, target, 'target');
      const ranking = rankToTarget(g, target, snapped, { maxSeconds, targetSnap });
      return { targetSnapDistanceM: targetSnap.snapDistanceM, targetFallbackExtraM: targetSnap.fallbackExtraM, results: ranking.results as TravelResult[] };
    },
    async etasToTarget(target, sources, maxSeconds, out) {
      const g = await graph();
      const { count, groups } = sources;
      if (slotsGraph !== g) {
        slotsGraph = g;
        slotsByCentre.clear();
      }
      // Filled range by range, not in order: grown in order first (a write far past its end makes an array a slow dictionary).
      while (fleetSnaps.length < count) fleetSnaps.push(null);
      // Kept per centre: a province's calls alternate centres, and where each centre's sources stand in the fleet with them.
      if (groups) for (const { key, start, end } of [groups.own, ...groups.others]) snapRange(g, key, sources, start, end, out);
      else snapRange(g, '', sources, 0, count, out);
      const targetSnap = mainSnap(g, target, 'target');
      const call = ++calls;
      // By centre (a province): each centre's selection kept, the other centres searched only as far as the help needs.
      const searched = groups
        ? etasToTargetByGroup(g, targetSnap, fleetSnaps, groups, out, { maxSeconds })
        : { ...etasToTarget(g, targetSnap, fleetSnaps, count, out, { maxSeconds }), othersSearched: 0 };
      // Vehicles moving to new roads grow the search's selections until a ranking starts one afresh (~30 ms on a
      // province for a whole fleet): that is done after this answer, on a later turn of the event loop, instead of
      // inside the next one (when no other ranking has changed the fleet's slots meanwhile).
      const restarts = groups ? groupSelectionRestarts(g, groups) : hierarchyOf(g)?.selectionRestarts('toTarget');
      if (!refreshing && restarts) {
        refreshing = true;
        setImmediate(() => {
          refreshing = false;
          if (slotsGraph !== g || calls !== call) return;
          if (!groups) refreshFleetSelection(g, fleetSnaps, count);
          else refreshGroupSelections(g, fleetSnaps, groups);
        });
      }
      return {
        targetSnapDistanceM: targetSnap.snapDistanceM,
        targetFallbackExtraM: targetSnap.fallbackExtraM,
        sweptVertices: searched.sweptVertices,
        centresSearched: groups ? 1 + searched.othersSearched : undefined,
      };
    },
    async fromSource(source, targets, maxSeconds) {
      const g = await graph();
      const sourceSnap = mainSnap(g, source, 'source');
      // Hospitals do not move either: their snaps are kept like the vehicles' (~3 ms a ranking for 175 of them).
      const snapped = targets.map((t) => ({ ...t, snap: snapOf(g, t.id, t.lonLat) }));
      const ranking = rankFromSource(g, source, snapped, { maxSeconds, sourceSnap });
      return { sourceSnapDistanceM: sourceSnap.snapDistanceM, sourceFallbackExtraM: sourceSnap.fallbackExtraM, results: ranking.results as TravelResult[] };
    },
    async route(from, to): Promise<RouteDto> {
      const r = route(await graph(), from, to, { mainNetworkFallback: true });
      return {
        geometry: { type: 'LineString', coordinates: r.geometry.coordinates },
        durationS: r.durationS,
        distanceM: r.distanceM,
        steps: r.steps.map((s) => ({ maneuver: s.maneuver, streetName: s.streetName, distanceM: s.distanceM, durationS: s.durationS, location: s.location })),
      };
    },
    async distanceToRoadM(point, withinM) {
      return nearestOnRoad(await graph(), point, withinM)?.snapDistanceM ?? null;
    },
  };
}

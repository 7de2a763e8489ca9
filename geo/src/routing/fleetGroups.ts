import { hierarchyOf, type ContractionHierarchy, type SweepSelection } from './contractionHierarchy';
import { FleetEnds, fleetEndsOf } from './fleetEnds';
import { LandmarkAggregates, landmarksOf } from './landmarks';
import { secondsAtLeast } from './lowerBounds';
import { etasOfFleet, REACHABLE, selectFleet, UNREACHABLE_REASONS, type EtaColumns } from './rankToTarget';
import type { RoadGraph } from './roadGraph';
import type { RoadSnap } from './snap';

/*
 * A fleet ranked in groups: a province's dispatch centres. A recommendation needs every ETA of its own centre's
 * vehicles and stations, but of the other centres' vehicles only the nearest few (help). Sweeping the upward closure
 * of every vehicle of a province at every call (~91k vertices for 10,000 vehicles) was most of a ranking's time, so:
 *   - each group keeps its own hierarchy selection and fleet columns across calls (calls alternate centres: one
 *     selection for all would be re-selected at each), moved vehicles appended as before (selectFleet);
 *   - the own group is searched whole, over its own selection only;
 *   - the other groups are searched one by one in increasing proven lower bound (the larger of lowerBounds.ts: the
 *     straight line from the scene to the box of the group's sources, at the graph's top speed, and landmarks.ts: drive
 *     times to and from landmarks, once the hierarchy has them), stopping once the `nearest`-th best ETA found among
 *     them is below the next group's bound: no source left unsearched can come before it.
 * The answers searched are those of one search of the whole fleet to the bit (a vertex's time is the same minimum
 * over the same arcs in any selection holding it), and the nearest of the other groups are the same sources.
 */

/** Sources snaps[start .. end-1], kept apart under `key` (a centre's id). */
export interface SourceGroup {
  key: string;
  start: number;
  end: number;
}

export interface GroupedSearch {
  /** Every source's answer: the incident's centre's vehicles and stations. */
  own: SourceGroup;
  /**
   * Groups of which only the `nearest` nearest sources (over all of them) are needed: their other sources may be left
   * unsearched, reported beyond_time_limit (proven no nearer than those found).
   */
  others: readonly SourceGroup[];
  nearest: number;
}

export interface GroupedAnswer {
  settledVertices: number;
  /** Vertices the restricted sweeps visited, over the groups searched. */
  sweptVertices: number;
  /** Other groups searched (of search.others.length). */
  othersSearched: number;
}

/** One group's fleet columns and hierarchy selection, kept across calls. */
class FleetGroup {
  readonly ends: FleetEnds;
  /** Its sources' landmark aggregates (landmarks.ts), for the hierarchy's landmarks once they are built. */
  landmarkBound: LandmarkAggregates | null = null;
  private hierarchy: ContractionHierarchy | null = null;
  private selection: SweepSelection | null = null;

  constructor(graph: RoadGraph) {
    this.ends = new FleetEnds(graph);
  }

  selectionIn(ch: ContractionHierarchy): SweepSelection {
    if (this.hierarchy !== ch || !this.selection) {
      this.hierarchy = ch;
      this.selection = ch.newSelection('toTarget');
      this.ends.hierarchy = null;
    }
    return this.selection;
  }
}

const groupsByGraph = new WeakMap<RoadGraph, Map<string, FleetGroup>>();

function groupOf(graph: RoadGraph, key: string): FleetGroup {
  let groups = groupsByGraph.get(graph);
  if (!groups) groupsByGraph.set(graph, (groups = new Map()));
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new FleetGroup(graph)));
  return group;
}

/** The graph's kept groups by key: each selection's vertices and renumberings, and the bytes each group holds (selection and fleet columns). */
export function groupSelections(graph: RoadGraph): Map<string, { vertices: number; rebuilds: number; bytes: number }> {
  const stats = new Map<string, { vertices: number; rebuilds: number; bytes: number }>();
  const ch = hierarchyOf(graph);
  if (!ch) return stats;
  for (const [key, group] of groupsByGraph.get(graph) ?? []) {
    const selection = group.selectionIn(ch);
    let bytes = selection.byteSize();
    for (const a of Object.values(group.ends)) if (ArrayBuffer.isView(a)) bytes += a.byteLength;
    stats.set(key, { vertices: selection.count, rebuilds: selection.rebuilds, bytes });
  }
  return stats;
}

const BEYOND = 1 + UNREACHABLE_REASONS.indexOf('beyond_time_limit');

/**
 * etasToTarget (rankToTarget.ts) for a fleet in groups: the own group's every answer, and of the others at least the
 * `nearest` nearest reachable sources (see above). Until the graph's hierarchy is built, one plain search of them all.
 */
export function etasToTargetByGroup(
  graph: RoadGraph,
  targetSnap: RoadSnap,
  snaps: readonly (RoadSnap | null)[],
  search: GroupedSearch,
  out: EtaColumns,
  options: { maxSeconds?: number } = {},
): GroupedAnswer {
  const maxSeconds = options.maxSeconds ?? Infinity;
  const ch = hierarchyOf(graph);
  const { own, others, nearest } = search;
  if (!ch) {
    let count = own.end;
    for (const g of others) count = Math.max(count, g.end);
    const whole = etasOfFleet(graph, targetSnap, snaps, 0, count, out, { maxSeconds }, fleetEndsOf(graph), 'toTarget');
    return { ...whole, othersSearched: others.length };
  }
  const mine = groupOf(graph, own.key);
  const answer = etasOfFleet(graph, targetSnap, snaps, own.start, own.end - own.start, out, { maxSeconds }, mine.ends, mine.selectionIn(ch));
  let { settledVertices, sweptVertices } = answer;

  // Each other group's bound: from the box of its sources' edge ends (their columns brought up to date for it), and
  // from the landmarks once the hierarchy has them (the larger of two proven bounds is one).
  const bounds = new Float64Array(others.length);
  const landmarks = landmarksOf(ch);
  const order: number[] = [];
  for (let k = 0; k < others.length; k++) {
    const { key, start, end } = others[k]!;
    const group = groupOf(graph, key);
    const { ends } = group;
    ends.update(snaps, end - start, start);
    let lowX = Infinity;
    let highX = -Infinity;
    let lowY = Infinity;
    let highY = -Infinity;
    for (let i = 0; i < end - start; i++) {
      if (ends.lowX[i]! < lowX) lowX = ends.lowX[i]!;
      if (ends.highX[i]! > highX) highX = ends.highX[i]!;
      if (ends.lowY[i]! < lowY) lowY = ends.lowY[i]!;
      if (ends.highY[i]! > highY) highY = ends.highY[i]!;
    }
    bounds[k] = secondsAtLeast(graph, targetSnap.edgeIndex, lowX, highX, lowY, highY);
    if (landmarks) {
      if (group.landmarkBound?.landmarks !== landmarks) group.landmarkBound = new LandmarkAggregates(landmarks);
      group.landmarkBound.update(ch, ends.edge, end - start);
      bounds[k] = Math.max(bounds[k]!, group.landmarkBound.secondsAtLeast(ch, targetSnap.edgeIndex));
    }
    out.reason.fill(BEYOND, start, end);
    order.push(k);
  }
  order.sort((a, b) => bounds[a]! - bounds[b]!);

  // The `nearest` best ETAs found so far among the other groups, ascending.
  const best: number[] = [];
  let searched = 0;
  for (const k of order) {
    if (nearest <= 0 || bounds[k]! > maxSeconds) break;
    // Strictly below: a source at exactly the bound could tie with the last one found and come first by its id.
    if (best.length === nearest && best[nearest - 1]! < bounds[k]!) break;
    const { key, start, end } = others[k]!;
    const group = groupOf(graph, key);
    const got = etasOfFleet(graph, targetSnap, snaps, start, end - start, out, { maxSeconds, updated: true }, group.ends, group.selectionIn(ch));
    settledVertices += got.settledVertices;
    sweptVertices += got.sweptVertices;
    searched++;
    bounds[k] = -1;
    for (let i = start; i < end; i++) {
      if (out.reason[i] !== REACHABLE) continue;
      const s = out.seconds[i]!;
      if (best.length === nearest && !(s < best[nearest - 1]!)) continue;
      let at = best.length === nearest ? nearest - 1 : best.length;
      while (at > 0 && s < best[at - 1]!) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = s;
    }
  }
  // A group left unsearched has had this call's changes listed and not selected: its next search looks every source up.
  for (let k = 0; k < others.length; k++) {
    if (bounds[k]! < 0) continue;
    const { ends } = groupOf(graph, others[k]!.key);
    if (ends.changedCount > 0) ends.hierarchy = null;
  }
  return { settledVertices, sweptVertices, othersSearched: searched };
}

/**
 * Whether a group of this search would start its selection afresh at its next ranking (moving vehicles have grown
 * it too far); refreshGroupSelections then does so between requests (as refreshFleetSelection for a single fleet).
 */
export function groupSelectionRestarts(graph: RoadGraph, search: GroupedSearch): boolean {
  const ch = hierarchyOf(graph);
  if (!ch) return false;
  for (const g of [search.own, ...search.others]) if (ch.selectionRestarts(groupOf(graph, g.key).selectionIn(ch))) return true;
  return false;
}

/** Starts afresh, now, every selection of the search's groups that would start afresh at its next ranking. Returns how many. */
export function refreshGroupSelections(graph: RoadGraph, snaps: readonly (RoadSnap | null)[], search: GroupedSearch): number {
  const ch = hierarchyOf(graph);
  if (!ch) return 0;
  let refreshed = 0;
  for (const { key, start, end } of [search.own, ...search.others]) {
    const group = groupOf(graph, key);
    const selection = group.selectionIn(ch);
    if (!ch.selectionRestarts(selection)) continue;
    group.ends.update(snaps, end - start, start);
    selectFleet(ch, group.ends, snaps, end - start, selection, start);
    refreshed++;
  }
  return refreshed;
}

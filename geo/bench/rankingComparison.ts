import type { RoadGraph } from '../src/routing/roadGraph';
import type { LonLat } from '../src/routing/geometry';
import { isReachable, rankToTarget, type RankResult, type RankSource } from '../src/routing/rankToTarget';

/** ETAs equal but for the order of float additions along the path. */
export const sameEta = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, a);

/** Process CPU milliseconds since `since`: on a shared machine the wall time also holds the waits for a core. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * The plain search and the contraction hierarchy ranking the same fleet to the same incidents, one after the other,
 * timed (wall and CPU) and every ETA of the hierarchy checked against the plain one: what the ranking benchmarks
 * (RNV, a moving fleet, the province) share.
 */
export class RankingComparison {
  readonly plainMs: number[] = [];
  readonly plainCpuMs: number[] = [];
  readonly chMs: number[] = [];
  readonly chCpuMs: number[] = [];
  upwardSettled = 0;
  checked = 0;
  maxDiffSeconds = 0;
  distanceDiffsOverOneCm = 0;
  readonly mismatches: string[] = [];

  rank(graph: RoadGraph, incident: LonLat, vehicles: RankSource[]): void {
    let cpu = process.cpuUsage();
    let start = performance.now();
    const plain = rankToTarget(graph, incident, vehicles, { method: 'plain' });
    this.plainMs.push(performance.now() - start);
    this.plainCpuMs.push(cpuMsSince(cpu));
    cpu = process.cpuUsage();
    start = performance.now();
    const fast = rankToTarget(graph, incident, vehicles);
    this.chMs.push(performance.now() - start);
    this.chCpuMs.push(cpuMsSince(cpu));
    this.upwardSettled += fast.settledVertices;
    const byId = new Map<string, RankResult>(fast.results.map((r) => [r.id, r]));
    for (const p of plain.results) {
      const h = byId.get(p.id)!;
      if (isReachable(p) && isReachable(h)) {
        this.checked++;
        this.maxDiffSeconds = Math.max(this.maxDiffSeconds, Math.abs(p.etaSeconds - h.etaSeconds));
        if (!sameEta(p.etaSeconds, h.etaSeconds)) this.mismatches.push(`${p.id}: ${p.etaSeconds} vs ${h.etaSeconds}`);
        if (Math.abs(p.distanceM - h.distanceM) > 0.01) this.distanceDiffsOverOneCm++;
      } else if (isReachable(p) !== isReachable(h)) this.mismatches.push(`${p.id}: reachable ${isReachable(p)} vs ${isReachable(h)}`);
    }
  }
}

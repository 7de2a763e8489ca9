import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@dispatch/db/testDatabase';
import { importRoads } from '../import/importRoads';
import { isReachable, rankToTarget } from '../routing/rankToTarget';
import { roadDataFile, roadDataSuite } from '../routing/roadData';
import { loadRoadGraph, type RoadGraph } from '../routing/roadGraph';
import { sliceEdge } from '../routing/route';
import { trySnapToRoad } from '../routing/snap';
import { seededRandom } from '../routing/testGraphs';
import { catchmentPolygons } from './catchments';
import { demandCoverage, roadCoverage } from './coverage';
import { driveTimesFrom, reachedIntervals, responsibleStation, timeAt, type Facility } from './driveTimes';
import { isochrones } from './isochrones';

const file = roadDataFile('shanghai_center.osm.pbf');

describe.skipIf(!file)(roadDataSuite('catchments, isochrones and coverage on the real Shanghai centre network', 'shanghai_center.osm.pbf'), () => {
  let database: TestDatabase;
  let graph: RoadGraph;
  let stations: Facility[];
  const random = seededRandom(120);
  const randomPoint = (): [number, number] => {
    const v = Math.floor(random() * graph.vertexCount);
    return [graph.vertexLon[v]! + (random() - 0.5) * 0.004, graph.vertexLat[v]! + (random() - 0.5) * 0.004];
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await importRoads(database.db, { file: file!, region: 'shanghai' });
    graph = await loadRoadGraph(database.db, 'shanghai');
    // Four stations in the four quarters of the network.
    const [minX, minY, maxX, maxY] = graph.bbox;
    stations = [
      [0.3, 0.3],
      [0.7, 0.3],
      [0.3, 0.7],
      [0.7, 0.7],
    ].map(([fx, fy], i) => ({ id: `station-${i + 1}`, lonLat: [minX + fx! * (maxX - minX), minY + fy! * (maxY - minY)] as [number, number] }));
    for (const s of stations) expect(trySnapToRoad(graph, s.lonLat), s.id).not.toBeNull();
  });
  afterAll(() => database?.drop());

  it('labels every point with the station a reversed search from the point also finds first, at the same time', () => {
    const times = driveTimesFrom(graph, stations);
    let compared = 0;
    for (let i = 0; i < 40; i++) {
      const point = randomPoint();
      const snap = trySnapToRoad(graph, point);
      if (!snap) continue;
      const forward = timeAt(times, snap.edgeIndex, snap.fraction);
      const responsible = responsibleStation(graph, point, stations);
      if (!responsible) {
        expect(forward.facility).toBe(-1);
        continue;
      }
      expect(forward.seconds).toBeCloseTo(responsible.etaSeconds, 6);
      expect(stations[forward.facility]!.id).toBe(responsible.stationId);
      compared++;
    }
    expect(compared).toBeGreaterThan(25);
  });

  it('builds catchment polygons that partition the area and agree with the responsible station', async () => {
    const times = driveTimesFrom(graph, stations);
    const catchments = await catchmentPolygons(database.db, times);
    const ids = catchments.features.map((f) => f.properties.facilityId);
    for (const s of stations) expect(ids).toContain(s.id);
    const geometries = catchments.features.map((f) => JSON.stringify(f.geometry));
    const { rows } = await database.db.query<{ overlap: number; union_area: number; hull_area: number; sum_area: number }>(
      `WITH g AS (SELECT i, ST_SetSRID(ST_GeomFromGeoJSON(j), 4326) AS geom FROM unnest($1::text[]) WITH ORDINALITY AS u(j, i))
       SELECT (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM g a JOIN g b ON a.i < b.i) AS overlap,
              (SELECT ST_Area(ST_Union(geom)) FROM g) AS union_area,
              (SELECT ST_Area(ST_ConvexHull(ST_Collect(geom))) FROM road_edges) AS hull_area,
              (SELECT sum(ST_Area(geom)) FROM g) AS sum_area`,
      [geometries],
    );
    const { overlap, union_area, hull_area, sum_area } = rows[0]!;
    expect(overlap / hull_area).toBeLessThan(1e-6);
    expect(Math.abs(sum_area - union_area) / hull_area).toBeLessThan(1e-6);
    expect(union_area / hull_area).toBeGreaterThan(0.97);
    expect(union_area / hull_area).toBeLessThan(1 + 1e-6);

    // A point in a station's polygon is (nearly always: boundaries are drawn between samples) that station's.
    let agree = 0;
    let total = 0;
    for (let i = 0; i < 40; i++) {
      const point = randomPoint();
      const responsible = (() => {
        try {
          return responsibleStation(graph, point, stations);
        } catch {
          return null;
        }
      })();
      if (!responsible) continue;
      const inside = await database.db.query<{ i: number }>(
        `SELECT i FROM unnest($1::text[]) WITH ORDINALITY AS u(j, i) WHERE ST_Contains(ST_SetSRID(ST_GeomFromGeoJSON(j), 4326), ST_SetSRID(ST_MakePoint($2, $3), 4326))`,
        [geometries, point[0], point[1]],
      );
      total++;
      if (inside.rows[0] && ids[Number(inside.rows[0].i) - 1] === responsible.stationId) agree++;
    }
    expect(total).toBeGreaterThan(25);
    expect(agree / total).toBeGreaterThan(0.8);
  });

  it('draws 10-minute isochrones inside 20-minute ones inside 30-minute ones', async () => {
    const result = await isochrones(database.db, graph, stations.slice(0, 2), { minutes: [10, 20, 30] });
    expect(result.features.map((f) => f.properties.minutes)).toEqual([10, 20, 30]);
    const areas = result.features.map((f) => f.properties.areaKm2);
    expect(areas[0]).toBeLessThan(areas[1]!);
    expect(areas[1]).toBeLessThanOrEqual(areas[2]!);
    const { rows } = await database.db.query<{ outside_10: number; outside_20: number; area_10: number }>(
      `WITH g AS (SELECT i, ST_SetSRID(ST_GeomFromGeoJSON(j), 4326) AS geom FROM unnest($1::text[]) WITH ORDINALITY AS u(j, i))
       SELECT ST_Area(ST_Difference((SELECT geom FROM g WHERE i = 1), (SELECT geom FROM g WHERE i = 2))) AS outside_10,
              ST_Area(ST_Difference((SELECT geom FROM g WHERE i = 2), (SELECT geom FROM g WHERE i = 3))) AS outside_20,
              ST_Area((SELECT geom FROM g WHERE i = 1)) AS area_10`,
      [result.features.map((f) => JSON.stringify(f.geometry))],
    );
    expect(rows[0]!.outside_10 / rows[0]!.area_10).toBeLessThan(1e-4);
    expect(rows[0]!.outside_20 / rows[0]!.area_10).toBeLessThan(1e-4);
  });

  it('counts road coverage pro rata along edges, as independent reversed searches confirm', () => {
    const times = driveTimesFrom(graph, stations, { maxSeconds: 30 * 60 });
    const five = roadCoverage(times, 5);
    const ten = roadCoverage(times, 10);
    expect(five.share).toBeGreaterThan(0);
    expect(five.share).toBeLessThan(ten.share);
    expect(ten.totalKm).toBeCloseTo(graph.edgeLength.reduce((a, b) => a + b, 0) / 1000, 6);
    // Positions inside reached intervals are within 5 minutes of a station, positions outside are not.
    const intervals = reachedIntervals(times, 300);
    let checked = 0;
    for (let i = 0; i < 60; i++) {
      const e = Math.floor(random() * graph.edgeCount);
      const x = random();
      const inside = (intervals.get(e) ?? []).some(([a, b]) => x >= a && x <= b);
      const coords = sliceEdge(graph, e, x, x)[0]!;
      const snap = { edgeIndex: e, fraction: x, snappedLonLat: coords, snapDistanceM: 0 };
      const best = rankToTarget(graph, coords, stations, { targetSnap: snap }).results[0];
      const eta = best && isReachable(best) ? best.etaSeconds : Infinity;
      if (Math.abs(eta - 300) < 1e-6) continue;
      expect(inside, `edge ${e} at ${x}: eta ${eta}`).toBe(eta <= 300);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('reports the share of villages within N minutes, weighted, with the station reaching each', () => {
    const times = driveTimesFrom(graph, stations);
    const villages = Array.from({ length: 30 }, (_, i) => ({ id: `village-${i}`, lonLat: randomPoint(), weight: 1 + (i % 3) }));
    const coverage = demandCoverage(times, villages, 8);
    let within = 0;
    let total = 0;
    for (const v of villages) {
      total += v.weight;
      const entry = coverage.points.find((p) => p.id === v.id)!;
      let responsible = null;
      try {
        responsible = responsibleStation(graph, v.lonLat, stations);
      } catch {
        expect(entry.reason).toBe('too_far_from_road');
        continue;
      }
      if (!responsible) {
        expect(entry.reason).toBe('not_reached');
        continue;
      }
      expect(entry.facilityId).toBe(responsible.stationId);
      expect(entry.seconds).toBeCloseTo(responsible.etaSeconds, 6);
      if (responsible.etaSeconds <= 480) within += v.weight;
    }
    expect(coverage.share).toBeCloseTo(within / total, 9);
    expect(coverage.share).toBeGreaterThan(0);
  });
});

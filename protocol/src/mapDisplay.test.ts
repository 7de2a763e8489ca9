import { describe, expect, it } from 'vitest';
import { displayProjection, gcj02ToWgs84, outOfChina, tileCoordinatesOf, wgs84ToGcj02 } from './mapDisplay';

/**
 * Reference pairs published with the eviltransform reference implementations of the GCJ-02 algorithm
 * (googollee/eviltransform, the same three in its C, Go, JavaScript, Python and PHP test suites):
 * WGS-84 [lon, lat] → GCJ-02 [lon, lat].
 */
const REFERENCE: { city: string; wgs: [number, number]; gcj: [number, number] }[] = [
  { city: 'Shanghai', wgs: [121.5272106, 31.1774276], gcj: [121.531541859215, 31.17530398364597] },
  { city: 'Shenzhen', wgs: [113.912316, 22.543847], gcj: [113.9171764808363, 22.540796131694766] },
  { city: 'Beijing', wgs: [116.377817, 39.911954], gcj: [116.38404722455657, 39.91334545536069] },
];

/** Metres between two nearby [lon, lat] points (equirectangular: plenty for a few hundred metres). */
const metres = (a: [number, number], b: [number, number]) =>
  Math.hypot((a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * 110_540);

describe('WGS-84 ↔ GCJ-02', () => {
  it.each(REFERENCE)('shifts $city from WGS-84 to the published GCJ-02 position', ({ wgs, gcj }) => {
    const [lon, lat] = wgs84ToGcj02(...wgs);
    expect(Math.abs(lon - gcj[0])).toBeLessThan(1e-9);
    expect(Math.abs(lat - gcj[1])).toBeLessThan(1e-9);
  });

  it.each(REFERENCE)('shifts $city back from GCJ-02 to WGS-84 within 1e-6°', ({ wgs, gcj }) => {
    const [lon, lat] = gcj02ToWgs84(...gcj);
    expect(Math.abs(lon - wgs[0])).toBeLessThan(1e-6);
    expect(Math.abs(lat - wgs[1])).toBeLessThan(1e-6);
  });

  it('moves a point in China by the few hundred metres that put it on a Chinese basemap’s road', () => {
    for (const { wgs, gcj } of REFERENCE) {
      const shift = metres(wgs, wgs84ToGcj02(...wgs));
      expect(shift).toBeCloseTo(metres(wgs, gcj), 3);
      expect(shift).toBeGreaterThan(100);
      expect(shift).toBeLessThan(1000);
    }
  });

  it('round-trips every point of a grid over China to within 1e-6°', () => {
    let worst = 0;
    for (let lon = 73; lon <= 135; lon += 1.7) {
      for (let lat = 18; lat <= 53; lat += 1.3) {
        const [gLon, gLat] = wgs84ToGcj02(lon, lat);
        const [wLon, wLat] = gcj02ToWgs84(gLon, gLat);
        worst = Math.max(worst, Math.abs(wLon - lon), Math.abs(wLat - lat));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('leaves points outside China as they are, both ways', () => {
    for (const p of [
      [7.4246, 43.7384], // Monaco
      [8.4660, 49.4875], // Mannheim
      [-74.006, 40.7128], // New York
      [139.6917, 35.6895], // Tokyo: east of the box
      [116.4, 56.5], // north of the box
    ] as [number, number][]) {
      expect(outOfChina(...p)).toBe(true);
      expect(wgs84ToGcj02(...p)).toEqual(p);
      expect(gcj02ToWgs84(...p)).toEqual(p);
    }
    expect(outOfChina(111.913, 37.027)).toBe(false);
  });
});

describe('display projection', () => {
  const road = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[111.9, 37.0], [111.92, 37.01]] } },
      {
        type: 'Feature',
        properties: { station: 'a' },
        geometry: { type: 'MultiPolygon', coordinates: [[[[111.9, 37.0], [111.95, 37.0], [111.95, 37.05], [111.9, 37.0]]]] },
      },
      { type: 'Feature', properties: {}, geometry: null },
    ],
  };

  it('draws WGS-84 as is on WGS-84 tiles', () => {
    const p = displayProjection('wgs84');
    expect(p.toDisplay(111.9, 37.0)).toEqual([111.9, 37.0]);
    expect(p.fromDisplay(111.9, 37.0)).toEqual([111.9, 37.0]);
    expect(p.geoJsonToDisplay(road)).toBe(road);
  });

  it('shifts every position of any GeoJSON geometry to GCJ-02 and keeps the properties, leaving the input alone', () => {
    const p = displayProjection('gcj02');
    const before = JSON.stringify(road);
    const shown = p.geoJsonToDisplay(road);
    expect(JSON.stringify(road)).toBe(before);
    expect(shown.features[0]!.properties).toEqual({ highway: 'primary' });
    expect(shown.features[0]!.geometry!.coordinates).toEqual([wgs84ToGcj02(111.9, 37.0), wgs84ToGcj02(111.92, 37.01)]);
    expect((shown.features[1]!.geometry!.coordinates as number[][][][])[0]![0]![2]).toEqual(wgs84ToGcj02(111.95, 37.05));
    expect(shown.features[2]!.geometry).toBeNull();
    const [lon, lat] = p.fromDisplay(...p.toDisplay(111.913, 37.027));
    expect(Math.abs(lon - 111.913)).toBeLessThan(1e-6);
    expect(Math.abs(lat - 37.027)).toBeLessThan(1e-6);
  });

  it('reads the tile coordinates from /api/config, WGS-84 when a server does not say', () => {
    expect(tileCoordinatesOf({ tileCoordinates: 'gcj02' })).toBe('gcj02');
    expect(tileCoordinatesOf({ tileCoordinates: 'wgs84' })).toBe('wgs84');
    expect(tileCoordinatesOf({})).toBe('wgs84');
    expect(tileCoordinatesOf(null)).toBe('wgs84');
  });
});

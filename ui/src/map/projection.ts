import L from 'leaflet';
import { createContext, useContext } from 'react';
import { displayProjection, type DisplayProjection, type TileCoordinates } from '@dispatch/protocol';

/**
 * The one place the console's map turns stored WGS-84 coordinates into what the tiles are drawn in, and what
 * the dispatcher points at back into WGS-84. Every layer draws through it; nothing else on the map converts.
 */
export interface MapProjection extends DisplayProjection {
  /** Where to draw a stored point. */
  toLatLng(point: { lon: number; lat: number }): L.LatLng;
  /** Where to draw a stored [lon, lat] pair (GeoJSON order). */
  lonLatToLatLng(lonLat: readonly number[]): L.LatLng;
  /** A point on the map (a click, the centre) as the WGS-84 coordinate the server stores. */
  fromLatLng(latLng: L.LatLng): { lon: number; lat: number };
  /** A view on the map as a WGS-84 [west, south, east, north], for asking the server what lies in it. */
  boundsToBbox(bounds: L.LatLngBounds): [number, number, number, number];
}

export function mapProjection(tileCoordinates: TileCoordinates): MapProjection {
  const base = displayProjection(tileCoordinates);
  const lonLatToLatLng = (lonLat: readonly number[]) => {
    const [lon, lat] = base.toDisplay(lonLat[0]!, lonLat[1]!);
    return L.latLng(lat, lon);
  };
  return {
    ...base,
    toLatLng: (p) => lonLatToLatLng([p.lon, p.lat]),
    lonLatToLatLng,
    fromLatLng: (latLng) => {
      const [lon, lat] = base.fromDisplay(latLng.lng, latLng.lat);
      return { lon, lat };
    },
    boundsToBbox: (b) => {
      // The offset varies across a view, so every corner is converted, not just two.
      const corners = [b.getSouthWest(), b.getNorthWest(), b.getNorthEast(), b.getSouthEast()].map((c) => base.fromDisplay(c.lng, c.lat));
      const lons = corners.map((c) => c[0]);
      const lats = corners.map((c) => c[1]);
      return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    },
  };
}

export const MapProjectionContext = createContext<MapProjection>(mapProjection('wgs84'));

/** The projection of the map being drawn (MapView provides it from the server's TILE_COORDINATES). */
export function useMapProjection(): MapProjection {
  return useContext(MapProjectionContext);
}

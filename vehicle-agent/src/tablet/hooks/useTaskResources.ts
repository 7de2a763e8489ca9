import { useCallback, useEffect, useState } from 'react';
import { tileCoordinatesOf, type HospitalDto, type RoadFeatureCollection, type TileCoordinates } from '@dispatch/protocol';
import type { CrewAgent } from '../../agent/crewAgent';
import type { LonLat } from '../../simulator/geometry';

export interface MapConfig {
  tileUrl: string | null;
  tileAttribution: string;
  tileCoordinates: TileCoordinates;
}

export interface TaskResources {
  /** null while loading: no tiles are shown until the map knows what they are drawn in. */
  config: MapConfig | null;
  vehicle: { callSign: string; home: LonLat | null; last: LonLat | null } | null;
  /** Refreshed every minute: the crew chooses by current load. */
  hospitals: HospitalDto[];
  /** The region's own roads for the base map; `syntheticRoads` says whether they are the demo county's. */
  loadRoads(bbox: string, zoom: number): Promise<RoadFeatureCollection>;
  syntheticRoads: boolean;
}

/** What the task screen reads from the server besides the task: map configuration, its own vehicle, the hospitals. */
export function useTaskResources(agent: CrewAgent | null, vehicleId: string | null): TaskResources {
  const [config, setConfig] = useState<MapConfig | null>(null);
  const [vehicle, setVehicle] = useState<TaskResources['vehicle']>(null);
  const [hospitals, setHospitals] = useState<HospitalDto[]>([]);
  const [syntheticRoads, setSyntheticRoads] = useState(false);

  useEffect(() => {
    if (!agent || !vehicleId) return;
    let cancelled = false;
    (async () => {
      const [cfg, v, stations] = await Promise.all([
        agent.api.call('clientConfig'),
        agent.api.call('getVehicle', { params: { id: vehicleId } }),
        agent.api.call('listStations'),
      ]);
      if (cancelled) return;
      const station = stations.find((s) => s.id === v.homeStationId);
      setConfig({ tileUrl: cfg.tileUrl || null, tileAttribution: cfg.tileAttribution, tileCoordinates: tileCoordinatesOf(cfg) });
      setVehicle({
        callSign: v.callSign,
        home: station ? [station.location.lon, station.location.lat] : null,
        last: v.position ? [v.position.lon, v.position.lat] : null,
      });
    })().catch(() => undefined);
    const loadHospitals = () => agent.api.call('listHospitals').then((h) => !cancelled && setHospitals(h), () => undefined);
    void loadHospitals();
    const timer = setInterval(loadHospitals, 60_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [agent, vehicleId]);

  const loadRoads = useCallback(
    async (bbox: string, zoom: number) => {
      if (!agent) throw new Error('roads: not logged in yet');
      const roads = await agent.api.call('roads', { query: { bbox, zoom } });
      setSyntheticRoads(roads.synthetic);
      return roads;
    },
    [agent],
  );

  return { config, vehicle, hospitals, loadRoads, syntheticRoads };
}

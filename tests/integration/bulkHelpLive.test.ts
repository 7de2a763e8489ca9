import { BULK_MEDIA_TYPES, type BulkResultDto, VehicleCapability, type VehicleDto } from '@dispatch/protocol';
import { describe, expect, it } from 'vitest';
import { openSocket } from '../support/api';
import { centresSuite } from '../support/demoSuite';

/**
 * A bulk-imported change of a vehicle that helps another centre (issue 15) reaches the helped centre's board at once,
 * as the vehicle's own update command sends it (publishVehicle): its centre's staff, the helped centre's and the
 * province hear it; a vehicle that helps nobody stays its own centre's and the province's.
 */
describe("a vehicle's change reaches every centre's board it concerns", () => {
  const suite = centresSuite('dispatcher', 'dispatcher-py', 'province', 'admin');
  const { server, tokens, api } = suite;

  /** The vehicles file with one row per vehicle, as codes (the import reads codes as well as labels). */
  const vehiclesCsv = (vehicles: VehicleDto[], stationCodes: Map<string, string>) =>
    [
      'callSign,kind,capabilities,homeStation,inService',
      ...vehicles.map((v) => [v.callSign, v.kind, v.capabilities.join(';'), stationCodes.get(v.homeStationId), String(v.inService)].join(',')),
    ].join('\n');

  it("sends the helping vehicle's imported change to the helped centre, its own and the province, and an idle one's to its own only", async () => {
    const place = (await api.dispatcher!.call('searchPlaces', { query: { q: '中王庄' } })).find((p) => p.name.startsWith('中王庄'))!;
    const incident = await api.dispatcher!.call('createIncident', { body: { location: { lon: place.lon, lat: place.lat }, category: 'chest_pain', priority: 2 } });
    const helperId = (await api.dispatcher!.call('getRecommendations', { params: { id: incident.id } })).crossCentre![0]!.vehicleId;
    await api.dispatcher!.call('assignVehicle', {
      params: { id: incident.id }, body: { vehicleId: helperId, crossCentreHelp: { reason: '本县车辆均距现场 20 分钟以上' } },
    });
    const pingyaoFleet = await api['dispatcher-py']!.call('listVehicles', {});
    const helper = pingyaoFleet.find((v) => v.id === helperId)!;
    const idle = pingyaoFleet.find((v) => v.id !== helperId && v.state === 'available')!;
    const own = (await api.dispatcher!.call('listVehicles', {})).find((v) => v.callSign === '介休120-20')!;
    const stationCodes = new Map((await api.admin!.call('listStations')).map((s) => [s.id, s.code]));

    const jx = await openSocket(server.baseUrl, tokens.dispatcher!);
    const py = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    const province = await openSocket(server.baseUrl, tokens.province!);
    try {
      // The idle Pingyao vehicle's row comes before Jiexiu's own: the import announces its rows in order.
      const changed = [helper, idle, own].map((v) => ({ ...v, capabilities: [...v.capabilities, VehicleCapability.options.find((c) => !v.capabilities.includes(c))!] }));
      /** The update the import sends of `vehicle`: with the capability it added. */
      const imported = (vehicle: VehicleDto) => {
        const added = changed.find((c) => c.id === vehicle.id)!.capabilities.at(-1)!;
        return (v: VehicleDto) => v.id === vehicle.id && v.capabilities.includes(added);
      };
      const res = await fetch(`${server.baseUrl}/api/bulk/commit?kind=vehicles&format=csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': BULK_MEDIA_TYPES.csv },
        body: vehiclesCsv(changed, stationCodes),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as BulkResultDto).counts).toMatchObject({ update: 3, error: 0 });

      const update = await jx.waitFor('vehicle.updated', imported(helper));
      // As the helped board shows it: the vehicle with its task on Jiexiu's call.
      expect(update).toMatchObject({ centreId: suite.pingyao, incidentId: incident.id, taskStatus: 'dispatched' });
      await py.waitFor('vehicle.updated', imported(helper));
      await province.waitFor('vehicle.updated', imported(helper));
      // The province room hears it once, not once per centre.
      expect(province.received.filter((r) => r.event === 'vehicle.updated' && imported(helper)(r.payload))).toHaveLength(1);

      // Once Jiexiu has its own vehicle's update (the row after), it would have had the idle Pingyao one's.
      await jx.waitFor('vehicle.updated', imported(own));
      await py.waitFor('vehicle.updated', imported(idle));
      expect(jx.received.some((r) => r.event === 'vehicle.updated' && r.payload.id === idle.id)).toBe(false);
      expect(py.received.some((r) => r.event === 'vehicle.updated' && r.payload.id === own.id)).toBe(false);
      expect((await api.dispatcher!.call('getVehicle', { params: { id: helperId } })).capabilities).toEqual(changed[0]!.capabilities);
    } finally {
      jx.close();
      py.close();
      province.close();
    }
  });

  it("tells the centre a vehicle leaves when it is moved to another centre's station, one by one or by a file", async () => {
    const stations = await api.admin!.call('listStations');
    const stationCodes = new Map(stations.map((s) => [s.id, s.code]));
    const vehicle = (await api.dispatcher!.call('listVehicles', {})).find((v) => v.callSign === '介休120-21')!;
    const jiexiu = vehicle.centreId;
    const pingyaoStation = stations.find((s) => s.centreId === suite.pingyao)!;
    const jx = await openSocket(server.baseUrl, tokens.dispatcher!);
    const py = await openSocket(server.baseUrl, tokens['dispatcher-py']!);
    try {
      // Through its screen: Jiexiu's board hears it is Pingyao's now (and drops it), Pingyao's board gains it.
      await api.admin!.call('updateVehicle', {
        params: { id: vehicle.id },
        body: { callSign: vehicle.callSign, kind: vehicle.kind, capabilities: vehicle.capabilities, homeStationId: pingyaoStation.id, inService: vehicle.inService },
      });
      expect(await jx.waitFor('vehicle.updated', (v) => v.id === vehicle.id)).toMatchObject({ centreId: suite.pingyao, incidentId: null });
      await py.waitFor('vehicle.updated', (v) => v.id === vehicle.id && v.centreId === suite.pingyao);

      // Back by a file: now Pingyao's board is told it left.
      const res = await fetch(`${server.baseUrl}/api/bulk/commit?kind=vehicles&format=csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': BULK_MEDIA_TYPES.csv },
        body: vehiclesCsv([vehicle], stationCodes),
      });
      expect(res.status).toBe(200);
      expect(await py.waitFor('vehicle.updated', (v) => v.id === vehicle.id && v.centreId === jiexiu)).toMatchObject({ incidentId: null });
      await jx.waitFor('vehicle.updated', (v) => v.id === vehicle.id && v.centreId === jiexiu);
    } finally {
      jx.close();
      py.close();
    }
  });
});

import type { VehicleCapability, VehicleKind } from '@dispatch/protocol';

export interface DemoVehicle {
  callSign: string;
  kind: VehicleKind;
  capabilities: VehicleCapability[];
  stationCode: string;
}

/**
 * The reference county's fleet: 21 negative-pressure ambulances (the first 11 equipped as ALS 监护型,
 * the rest BLS 转运型), one negative-pressure neonatal transfer ambulance, one mobile 64-slice CT vehicle and
 * one multi-purpose medical service vehicle, spread over the centre and the two substations.
 */
export function demoFleet(stationCodes: { centre: string; zhanglan: string; yitang: string }): DemoVehicle[] {
  const home = (n: number) => (n <= 13 ? stationCodes.centre : n <= 17 ? stationCodes.zhanglan : stationCodes.yitang);
  const ambulances: DemoVehicle[] = Array.from({ length: 21 }, (_, i) => {
    const n = i + 1;
    const als = n <= 7 || (n >= 14 && n <= 15) || (n >= 18 && n <= 19);
    return {
      callSign: `介休120-${String(n).padStart(2, '0')}`,
      kind: 'negative_pressure_ambulance',
      capabilities: ['negative_pressure', als ? 'als' : 'bls'],
      stationCode: home(n),
    };
  });
  return [
    ...ambulances,
    { callSign: '介休新生儿-01', kind: 'neonatal_transfer', capabilities: ['neonatal', 'negative_pressure', 'als'], stationCode: stationCodes.centre },
    { callSign: '介休移动CT-01', kind: 'mobile_ct', capabilities: ['mobile_ct', 'als'], stationCode: stationCodes.centre },
    { callSign: '介休多功能-01', kind: 'multipurpose', capabilities: ['multipurpose', 'bls'], stationCode: stationCodes.centre },
  ];
}

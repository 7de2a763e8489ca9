import { readQueries } from '@dispatch/db';

export const assignmentSql = readQueries(new URL('./assignments.sql', import.meta.url), [
  'lockVehicle',
  'insert',
  'liveOfVehicle',
  'setVehicleState',
  'get',
  'lock',
  'setRoute',
  'liveOfIncident',
  'latestOfVehicle',
  'vehicleAndIncident',
  'hospitalBrief',
  'setDestination',
]);

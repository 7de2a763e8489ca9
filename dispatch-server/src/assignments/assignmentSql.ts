import { loadQueries } from '../db/sqlFile';

export const assignmentSql = loadQueries(new URL('./assignments.sql', import.meta.url), [
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

import { NEMSIS_ETIMES, type EidoDocument, type ETimesDto, type IncidentDto, type TaskStatus } from '@dispatch/protocol';

/**
 * Response times of each vehicle in NEMSIS v3 eTimes form (eTimes.01 PSAP call … eTimes.15 back at home),
 * one record per assignment, ISO-8601 with offset.
 */
export function presentETimes(incident: IncidentDto): ETimesDto {
  return {
    incidentNumber: incident.number,
    incidentId: incident.id,
    records: incident.assignments.map((a) => {
      const times: Record<string, string | null> = { [NEMSIS_ETIMES.call_received]: incident.callReceivedAt };
      for (const [status, element] of Object.entries(NEMSIS_ETIMES)) {
        if (status === 'call_received') continue;
        times[element] = a.timestamps[status as TaskStatus] ?? null;
      }
      return { assignmentId: a.id, unitCallSign: a.callSign, outcome: a.endReason ?? a.status, eTimes: times };
    }),
  };
}

/**
 * The incident as a NENA EIDO (Emergency Incident Data Object, NENA-STA-024) JSON document: incident,
 * call, location (GeoJSON point, WGS-84), the responding vehicles and their status times. Caller details
 * are left out (minimisation); the receiving system asks the centre if it needs them.
 */
export function presentEido(incident: IncidentDto, centre: { name: string; uri: string }): EidoDocument {
  const updated = [incident.callReceivedAt, ...incident.assignments.flatMap((a) => Object.values(a.timestamps))]
    .filter((t): t is string => Boolean(t))
    .sort()
    .at(-1);
  return {
    $schema: 'https://schemas.nena.org/2021/EIDO/v1/eido.json',
    eidoMessageIdentifier: `urn:emergency:eido:${incident.id}:${updated}`,
    lastUpdateTimeStamp: updated,
    sendingSystemIdentifier: centre.uri,
    incidentComponent: {
      componentIdentifier: `incident-${incident.id}`,
      incidentTrackingIdentifier: `urn:emergency:uid:incidentid:${incident.id}:${centre.uri}`,
      localIncidentIdentifier: String(incident.number),
      incidentTypeCommonRegistryText: `EMS/${incident.category}`,
      incidentStatusCommonRegistryText: incident.status,
      incidentPriorityCommonRegistryText: String(incident.priority),
      incidentCreationTimeStamp: incident.callReceivedAt,
      incidentCloseTimeStamp: incident.closedAt,
      locationReference: [`location-${incident.id}`],
    },
    callComponent: [{ componentIdentifier: `call-${incident.id}`, callStartTimeStamp: incident.callReceivedAt, callAnswerTimeStamp: incident.callAnsweredAt }],
    locationComponent: [
      {
        componentIdentifier: `location-${incident.id}`,
        locationByValue: { type: 'Point', coordinates: [incident.location.lon, incident.location.lat] },
        civicAddressText: incident.address ?? incident.placeName,
      },
    ],
    agencyComponent: [{ componentIdentifier: 'agency-120', agencyName: centre.name, agencyTypeCommonRegistryText: 'EMS' }],
    personComponent: [
      {
        componentIdentifier: `patient-${incident.id}`,
        personRoleCommonRegistryText: 'Patient',
        medicalConditionText: incident.patientSummary,
        priorityGroups: incident.priorityGroups,
      },
    ],
    vehicleComponent: incident.assignments.map((a) => ({
      componentIdentifier: `unit-${a.id}`,
      vehicleIdentifier: a.callSign,
      unitStatusCommonRegistryText: a.status,
      statusTimeStamps: a.timestamps,
    })),
  };
}

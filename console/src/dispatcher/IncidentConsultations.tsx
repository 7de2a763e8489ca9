import type { AssignmentDto, IncidentDto } from '@dispatch/protocol';
import { ConsultationThread, useConsultation, useConsultationWords } from '@dispatch/ui';
import { Panel } from '../common/Panel';
import { useLive, useLiveContext } from '../realtime/useLive';

/**
 * The incident's consultations, one per vehicle sent: what the crew and the receiving hospital's doctor said,
 * measured and photographed, for the dispatcher to follow (and to add to). A task that has ended with nothing in
 * its consultation shows none.
 */
export function IncidentConsultations({ incident }: { incident: IncidentDto }) {
  return (
    <>
      {incident.assignments.map((a) => (
        <TaskConsultation key={a.id} assignment={a} incidentNumber={incident.number} />
      ))}
    </>
  );
}

function TaskConsultation({ assignment, incidentNumber }: { assignment: AssignmentDto; incidentNumber: number }) {
  const { t } = useConsultationWords();
  const { api, connection } = useLiveContext();
  const { syncedAt } = useLive();
  const { consultation, add } = useConsultation(api, { assignmentId: assignment.id }, connection.subscribeConsultations, `${syncedAt}:${assignment.destinationHospitalId}`);
  if (!consultation || (!consultation.open && consultation.entries.length === 0)) return null;
  return (
    <Panel className="incident-consultations" testId="incident-consultations" title={`${t('title')} · #${incidentNumber}`}>
      <ConsultationThread consultation={consultation} viewer="dispatch" api={api} onAdded={add} untitled />
    </Panel>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { AssignmentOfferDto } from '@dispatch/protocol';
import { ConsultationThread, useConsultation, type SubscribeEntries } from '@dispatch/ui';
import type { CrewAgent } from '../agent/crewAgent';

/**
 * The task's consultation with the receiving hospital's doctor (远程会诊): messages, a photo of the ECG strip from
 * the camera or a file, the vital signs, and the doctor's answers as they come. Read again after every resync
 * (pushes missed while offline) and when the destination changes (the thread's hospital with it).
 */
export function ConsultationPanel({ agent, offer }: { agent: CrewAgent; offer: AssignmentOfferDto }) {
  const [syncs, setSyncs] = useState(0);
  useEffect(() => agent.on('synced', () => setSyncs((n) => n + 1)), [agent]);
  const subscribe = useCallback<SubscribeEntries>((listener) => agent.on('consultationPosted', listener), [agent]);
  const { consultation, add } = useConsultation(agent.api, { assignmentId: offer.assignment.id }, subscribe, `${syncs}:${offer.assignment.destinationHospitalId}`);
  if (!consultation) return null;
  return (
    <div className="card consultation-card" data-testid="consultation-card">
      <ConsultationThread consultation={consultation} viewer="crew" api={agent.api} onAdded={add} large vitalsForm />
    </div>
  );
}

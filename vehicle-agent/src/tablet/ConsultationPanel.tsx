import { useCallback, useEffect, useRef, useState } from 'react';
import type { AssignmentOfferDto } from '@dispatch/protocol';
import { ConsultationThread, useConsultation, type SubscribeEntries } from '@dispatch/ui';
import type { CrewAgent } from '../agent/crewAgent';

/**
 * The task's consultation with the receiving hospital's doctor (远程会诊): messages, a photo of the ECG strip from
 * the camera or a file, the vital signs, and the doctor's answers as they come (a new one scrolls the panel into
 * view). Read again after every resync (pushes missed while offline) and when the destination changes.
 */
export function ConsultationPanel({ agent, offer }: { agent: CrewAgent; offer: AssignmentOfferDto }) {
  const [syncs, setSyncs] = useState(0);
  useEffect(() => agent.on('synced', () => setSyncs((n) => n + 1)), [agent]);
  const subscribe = useCallback<SubscribeEntries>((listener) => agent.on('consultationPosted', listener), [agent]);
  const { consultation, add } = useConsultation(agent.api, { assignmentId: offer.assignment.id }, subscribe, `${syncs}:${offer.assignment.destinationHospitalId}`);
  const card = useRef<HTMLDivElement>(null);
  const answers = consultation?.entries.filter((e) => e.side === 'hospital').length ?? 0;
  const seen = useRef<number | null>(null);
  useEffect(() => {
    if (!consultation) return;
    if (seen.current !== null && answers > seen.current) card.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    seen.current = answers;
  }, [consultation, answers]);
  if (!consultation) return null;
  return (
    <div className="card consultation-card" data-testid="consultation-card" ref={card}>
      <ConsultationThread consultation={consultation} viewer="crew" api={agent.api} onAdded={add} large vitalsForm />
    </div>
  );
}

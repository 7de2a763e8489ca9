import { useCallback, useEffect, useMemo, useRef, type RefObject } from 'react';
import type { PhoneCallDto } from '@dispatch/protocol';
import { useLive } from '../../realtime/useLive';
import { emptyDraft, type Draft } from '../draft';
import type { IntakeFormHandle } from '../IntakeForm';

/**
 * A caller located this precisely (metres; a handset's satellite or Wi-Fi fix) is where the incident is: the intake
 * takes the point. A wider circle (a cell) only frames the map; the dispatcher locates the call by asking.
 */
const PRECISE_LOCATION_M = 100;

const isBlank = (d: Draft) => !d.phoneCallId && !d.location && !d.callerPhone.trim() && !d.address.trim() && !d.patientSummary.trim();

/**
 * The phone system's calls on the desk (来电弹屏): those not yet an incident, the one being taken, and taking one into
 * the intake (its number, its id, its location when precise). A call that starts ringing while the intake is blank
 * is taken at once and the intake focused; otherwise it waits in the list with its take action.
 */
export function useIncomingCalls(draft: Draft, setDraft: (d: Draft) => void, intakeRef: RefObject<IntakeFormHandle | null>) {
  const { phoneCalls } = useLive();
  const calls = useMemo(() => [...phoneCalls.values()].filter((c) => !c.incidentId), [phoneCalls]);
  const takingCall = draft.phoneCallId ? (phoneCalls.get(draft.phoneCallId) ?? null) : null;
  const take = useCallback(
    (call: PhoneCallDto) => {
      const precise = call.location && call.location.radiusM <= PRECISE_LOCATION_M ? { lon: call.location.lon, lat: call.location.lat } : null;
      setDraft({ ...emptyDraft(), phoneCallId: call.id, callerPhone: call.callerPhone ?? '', location: precise });
      // A located call needs its category next; an unlocated one its place.
      if (precise) intakeRef.current?.focusCategory();
      else intakeRef.current?.focus();
    },
    [setDraft, intakeRef],
  );
  const popped = useRef(new Set<string>());
  useEffect(() => {
    const ringing = calls.find((c) => c.state === 'ringing' && !popped.current.has(c.id));
    if (!ringing) return;
    popped.current.add(ringing.id);
    if (isBlank(draft)) take(ringing);
  }, [calls, draft, take]);
  return { calls, takingCall, take };
}

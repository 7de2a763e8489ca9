import { useEffect, useMemo, useState } from 'react';
import { taskRank, type AssignmentOfferDto, type RoadRouteDto } from '@dispatch/protocol';
import type { CrewAgent } from '../../agent/crewAgent';
import type { LonLat } from '../../simulator/geometry';
import { prepareRoute, progressOn, type NavProgress, type NavRoute } from '../navigation';

export type Leg = 'scene' | 'hospital' | 'base' | null;

function legFor(status: string | null): Leg {
  if (!status) return null;
  const r = taskRank(status);
  if (r <= taskRank('en_route')) return 'scene';
  if (r <= taskRank('at_hospital')) return 'hospital';
  if (status === 'back_in_service' || status === 'handover') return 'base';
  return null;
}

/** How long to wait before asking again for a leg's route while the server cannot be reached. */
const ROUTE_RETRY_MS = 10_000;

/**
 * The leg being driven and the turn-by-turn progress on it. The scene leg comes with the offer; the legs to hospital
 * and home are asked for when they begin, again every 10 s while the server cannot be reached, and at once when the
 * connection comes back.
 */
export function useTaskNavigation(
  agent: CrewAgent | null,
  { offer, status, online, home, position }: { offer: AssignmentOfferDto | null; status: string | null; online: boolean; home: LonLat | null; position: LonLat | null },
): { leg: Leg; route: NavRoute | null; progress: NavProgress | null } {
  const [legRoute, setLegRoute] = useState<{ key: string; route: RoadRouteDto | null } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const leg = legFor(status);
  const destination = offer?.destinationHospital ?? null;
  const scene: LonLat | null = offer ? [offer.incident.location.lon, offer.incident.location.lat] : null;
  const target: LonLat | null = leg === 'hospital' && destination ? [destination.location.lon, destination.location.lat] : leg === 'base' ? home : null;
  const legKey = target ? `${leg}:${target.join(',')}:${offer?.assignment.id}` : null;

  useEffect(() => {
    if (!agent || !legKey || !target || !online) return;
    const from = position ?? scene;
    if (!from) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    agent.api.call('route', { query: { from: from.join(','), to: target.join(',') } }).then(
      (route) => !cancelled && setLegRoute({ key: legKey, route }),
      () => {
        if (cancelled) return;
        setLegRoute({ key: legKey, route: null });
        retry = setTimeout(() => setAttempt((n) => n + 1), ROUTE_RETRY_MS);
      },
    );
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
    };
    // Only a new leg (or a retry) asks again; the vehicle moving along it does not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agent, legKey, attempt, online]);

  const route: NavRoute | null = leg === 'scene' ? (offer?.route ?? null) : legRoute?.key === legKey ? (legRoute?.route ?? null) : null;
  const prepared = useMemo(() => (route ? prepareRoute(route) : null), [route]);
  return { leg, route, progress: prepared ? progressOn(prepared, position) : null };
}

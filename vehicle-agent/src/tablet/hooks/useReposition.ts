import { useCallback, useEffect, useState } from 'react';
import type { RepositionDto, RepositionStatusRequest } from '@dispatch/protocol';
import type { CrewAgent } from '../../agent/crewAgent';

/**
 * The vehicle's open move-up (a reposition to a station, not a task): read at start and after every
 * resynchronisation, then followed by its pushes; gone once it arrived or was called off.
 */
export function useReposition(agent: CrewAgent | null, vehicleId: string | null) {
  const [reposition, setReposition] = useState<RepositionDto | null>(null);
  const keep = useCallback((r: RepositionDto | null | undefined) => setReposition(r && (r.state === 'offered' || r.state === 'accepted') ? r : null), []);

  useEffect(() => {
    if (!agent || !vehicleId) return;
    let cancelled = false;
    const load = () =>
      void agent.api.call('getVehicleReposition', { params: { id: vehicleId } }).then(
        (r) => !cancelled && keep(r),
        () => undefined,
      );
    load();
    const offUpdated = agent.on('repositionUpdated', (r) => r.vehicleId === vehicleId && keep(r));
    const offSynced = agent.on('synced', load);
    return () => {
      cancelled = true;
      offUpdated();
      offSynced();
    };
  }, [agent, vehicleId, keep]);

  const report = useCallback(
    async (state: RepositionStatusRequest['state']) => {
      if (!agent || !vehicleId) return;
      keep(await agent.api.call('reportReposition', { params: { id: vehicleId }, body: { state } }));
    },
    [agent, vehicleId, keep],
  );
  return { reposition, report };
}

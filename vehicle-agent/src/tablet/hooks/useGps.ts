import { useEffect, useRef, useState } from 'react';
import type { CrewAgent } from '../../agent/crewAgent';
import { watchBrowserGeolocation } from '../../gps/browserGeolocation';
import type { LonLat } from '../../simulator/geometry';

/** A fix every few seconds is plenty for the dispatch centre; the browser may deliver one a second. */
const POSITION_REPORT_EVERY_MS = 3000;

/** The tablet's own GPS: the latest fix for the screen, reported to the server through the agent's outbox. */
export function useGps(agent: CrewAgent | null): { fix: LonLat | null; problem: string | null } {
  const [fix, setFix] = useState<LonLat | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const lastReport = useRef(0);

  useEffect(() => {
    if (!agent || !navigator.geolocation) return;
    return watchBrowserGeolocation(navigator.geolocation, {
      fix(f) {
        setFix([f.lon, f.lat]);
        setProblem(null);
        if (Date.now() - lastReport.current < POSITION_REPORT_EVERY_MS) return;
        lastReport.current = Date.now();
        void agent.reportPosition(f).catch(() => undefined);
      },
      rejected(r) {
        setProblem(r.reason);
      },
    });
  }, [agent]);

  return { fix, problem };
}

import { useEffect, useState } from 'react';
import { CrewAgent, type CrewAgentState, type Rejection } from '../agent/crewAgent';
import { IndexedDbOutbox } from '../agent/indexedDbOutbox';
import { localStorageStuckStore } from '../agent/stuckStore';

export interface Session {
  token: string;
  username: string;
}

export interface AgentHandle {
  agent: CrewAgent | null;
  state: CrewAgentState | null;
  /** Refused events and withdrawn tasks waiting for the crew to read them. */
  notices: { id: number; kind: 'rejected' | 'withdrawn' | 'message'; text: string }[];
  dismiss(id: number): void;
  /** The token is no longer accepted: back to the login. */
  expired: boolean;
  /** Why the agent could not start yet (offline, server down); it keeps trying. */
  bootError: string | null;
  /** The server answers but cannot reach its database (503, handshake "unavailable"): the login stays. */
  databaseUnavailable: boolean;
}

let noticeId = 0;

/** One CrewAgent per login, with its IndexedDB outbox (one database per login, so crews never share a queue). */
export function useCrewAgent(session: Session | null): AgentHandle {
  const [agent, setAgent] = useState<CrewAgent | null>(null);
  const [state, setState] = useState<CrewAgentState | null>(null);
  const [notices, setNotices] = useState<AgentHandle['notices']>([]);
  // The token the server refused; a new login's token is not expired.
  const [expiredToken, setExpiredToken] = useState<string | null>(null);
  const [bootError, setBootError] = useState<string | null>(null);
  const [databaseUnavailable, setDatabaseUnavailable] = useState(false);

  useEffect(() => {
    if (!session) return;
    let cancelled = false;
    let created: CrewAgent | null = null;
    let outbox: IndexedDbOutbox | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const push = (kind: AgentHandle['notices'][number]['kind'], text: string) => setNotices((list) => [...list, { id: ++noticeId, kind, text }]);

    const boot = async () => {
      outbox ??= await IndexedDbOutbox.open(`dispatch120-outbox-${session.username}`);
      const stuckStore = localStorageStuckStore(`dispatch120-stuck-${session.username}`);
      const a = new CrewAgent({ baseUrl: window.location.origin, token: session.token, outbox, stuckStore });
      a.on('state', (s) => {
        setState(s);
        if (s.lastError?.startsWith('unavailable')) setDatabaseUnavailable(true);
        // The server ended the session (logout elsewhere, password reset, login disabled): back to the login.
        if (s.lastError?.startsWith('unauthorized')) setExpiredToken(session.token);
      });
      // Only a 503 says anything of the database: an outbox send with no answer (socket down while the database is
      // down too) must not take the banner away; delivery or a resync does.
      a.on('retrying', (r) => r.reason.startsWith('503') && setDatabaseUnavailable(true));
      a.on('delivered', () => setDatabaseUnavailable(false));
      a.on('synced', () => setDatabaseUnavailable(false));
      a.on('rejected', (r: Rejection) => push('rejected', `${r.entry.kind === 'status' ? r.entry.status : 'position'}: ${r.error}`));
      a.on('withdrawn', (w) => push('withdrawn', w.reason));
      // A message from the dispatch centre is put in front of the crew until they tap it away (it stays in the thread).
      a.on('message', (m) => push('message', m.text));
      try {
        await a.start();
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 401 || status === 403) {
          setExpiredToken(session.token);
          return;
        }
        // Offline at start, or the database down (503): try again until the server answers.
        setDatabaseUnavailable(status === 503);
        setBootError((error as Error).message);
        if (!cancelled) retry = setTimeout(() => void boot(), 5000);
        return;
      }
      if (cancelled) {
        await a.stop();
        return;
      }
      created = a;
      setBootError(null);
      setDatabaseUnavailable(false);
      setAgent(a);
      setState(a.state);
    };
    void boot();
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
      void created?.stop().then(() => outbox?.close());
    };
  }, [session]);

  return {
    agent: session ? agent : null,
    state: session ? state : null,
    notices,
    dismiss: (id) => setNotices((list) => list.filter((n) => n.id !== id)),
    expired: session !== null && expiredToken === session.token,
    bootError: session ? bootError : null,
    databaseUnavailable: session ? databaseUnavailable : false,
  };
}

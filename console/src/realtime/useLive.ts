import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ApiClient } from '@dispatch/protocol';
import type { Session } from '../api/session';
import type { Connection, LiveState } from './connection';

export interface LiveContextValue {
  api: ApiClient;
  connection: Connection;
  session: Session;
}

export const LiveContext = createContext<LiveContextValue | null>(null);

export function useLiveContext(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLiveContext outside LiveContext');
  return value;
}

/** The live state; re-renders on every (coalesced) change. */
export function useLive(): LiveState {
  const { connection } = useLiveContext();
  return useSyncExternalStore(connection.subscribe, connection.getState);
}

/** How many settings changes were pushed (live region, roads, speeds, requirements); re-renders only when it moves. */
export function useSettingsVersion(connection: Connection): number {
  return useSyncExternalStore(connection.subscribe, () => connection.getState().settingsVersion);
}

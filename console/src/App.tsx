import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApi } from './api/client';
import { loadSession, saveSession, type ClientConfig, type RoadRegion, type Session } from './api/session';
import { DisconnectedBanner, Header } from './common/Header';
import { DispatcherConsole } from './dispatcher/DispatcherConsole';
import { HospitalBoard } from './hospital/HospitalBoard';
import { I18nProvider, useI18n } from './i18n/i18n';
import { LoginPage } from './LoginPage';
import { Connection } from './realtime/connection';
import { LiveContext, type LiveContextValue } from './realtime/useLive';

export function App() {
  return (
    <I18nProvider>
      <Root />
    </I18nProvider>
  );
}

function Root() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const logout = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  if (!session) {
    return (
      <LoginPage
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  return <SignedIn key={session.token} session={session} onLogout={logout} />;
}

/** One API client and one socket connection per session, shared with every screen through context. */
function SignedIn({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const { t } = useI18n();
  const live = useMemo<LiveContextValue>(() => {
    const api = createApi(session.token, onLogout);
    return { api, session, connection: new Connection(api, session.token, session.user.role, onLogout) };
  }, [session, onLogout]);
  const [config, setConfig] = useState<ClientConfig | null>(null);
  const [region, setRegion] = useState<RoadRegion | null>(null);

  useEffect(() => {
    // Crews work on the tablet app; the console has nothing live for them.
    if (session.user.role === 'crew') return;
    live.connection.start();
    return () => live.connection.stop();
  }, [live, session.user.role]);

  useEffect(() => {
    let cancelled = false;
    const load = () => {
      live.api
        .get<ClientConfig>('/config')
        .then((c) => !cancelled && setConfig(c))
        .catch(() => !cancelled && setTimeout(load, 2000));
    };
    load();
    // No road region yet is a state of its own, not an error: the map shows tiles only.
    live.api
      .get<RoadRegion>('/roads/region')
      .then((r) => !cancelled && setRegion(r))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [live]);

  const role = session.user.role;
  const title = role === 'hospital' ? t('hospitalBoardTitle') : t('appTitle');
  return (
    <LiveContext.Provider value={live}>
      <div className={`app role-${role}`}>
        <Header title={title} synthetic={region?.synthetic ?? false} user={session.user.displayName || session.user.username} onLogout={onLogout} />
        <DisconnectedBanner />
        {role === 'crew' ? (
          <div className="pad big">
            {t('crewUseTablet')} <a href="/tablet/">/tablet/</a>
          </div>
        ) : role === 'hospital' ? (
          <HospitalBoard />
        ) : config ? (
          <DispatcherConsole config={config} region={region} />
        ) : null}
      </div>
    </LiveContext.Provider>
  );
}

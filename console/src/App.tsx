import { CentreBadge } from './centres/CentreBadge';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLoaded } from '@dispatch/ui';
import { loadSession, logoutOnServer, saveSession, sessionApi, type Session } from './api/session';
import { ChangePasswordPage } from './ChangePasswordPage';
import { Banners, Header } from './common/Header';
import { HospitalBoard } from './hospital/HospitalBoard';
import { useI18n } from './i18n/i18n';
import { LoginPage } from './LoginPage';
import { Connection } from './realtime/connection';
import { LiveContext, type LiveContextValue, useSettingsVersion } from './realtime/useLive';
import { Navigation, useCurrentSection } from './shell/Navigation';
import { sectionsFor } from './shell/sections';

/** The console, inside the LangProvider main.tsx gives it: log in (and set a password when told to), then the role's screen. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [changingPassword, setChangingPassword] = useState(false);
  const signIn = useCallback((s: Session | null) => {
    saveSession(s);
    setSession(s);
  }, []);
  // The server said the session is over (401): nothing left to end there.
  const sessionEnded = useCallback(() => signIn(null), [signIn]);
  const logout = useCallback(() => {
    if (session) logoutOnServer(session.token);
    signIn(null);
  }, [session, signIn]);
  if (!session) return <LoginPage onLogin={signIn} />;
  if (session.mustChangePassword) return <ChangePasswordPage session={session} forced onChanged={signIn} onCancel={logout} />;
  if (changingPassword) {
    const done = (s: Session | null) => {
      setChangingPassword(false);
      if (s) signIn(s);
    };
    return <ChangePasswordPage session={session} forced={false} onChanged={done} onCancel={() => done(null)} />;
  }
  return <SignedIn key={session.token} session={session} onLogout={logout} onSessionEnded={sessionEnded} onChangePassword={() => setChangingPassword(true)} />;
}

/** One API client and one socket connection per session, shared with every screen through context. */
function SignedIn({ session, onLogout, onSessionEnded, onChangePassword }: { session: Session; onLogout: () => void; onSessionEnded: () => void; onChangePassword: () => void }) {
  const { t } = useI18n();
  const live = useMemo<LiveContextValue>(() => {
    // Every REST answer tells the connection whether the database could be reached (the banner).
    let connection: Connection | null = null;
    const api = sessionApi(session.token, onSessionEnded, (reachable) => connection?.setDatabaseReachable(reachable));
    connection = new Connection(api, session.token, session.user.role, onSessionEnded, session.user.centreId ?? null);
    return { api, session, connection };
  }, [session, onSessionEnded]);
  const config = useLoaded(session.token, () => live.api.call('clientConfig'), 2000);
  // No road region yet is a state of its own, not an error: the map shows tiles only. Read again when an
  // administrator makes another region live or imports the live one anew.
  const settingsVersion = useSettingsVersion(live.connection);
  const region = useLoaded(`${session.token}:${settingsVersion}`, () => live.api.call('roadRegion'));

  useEffect(() => {
    // Crews work on the tablet app; the console has nothing live for them.
    if (session.user.role === 'crew' || session.user.role === 'telephony') return;
    live.connection.start();
    return () => live.connection.stop();
  }, [live, session.user.role]);

  const role = session.user.role;
  const available = useMemo(() => sectionsFor(role), [role]);
  const section = useCurrentSection(available);
  const title = role === 'hospital' ? t('hospitalBoardTitle') : t('appTitle');
  return (
    <LiveContext.Provider value={live}>
      <div className={`app role-${role}`}>
        <Header title={title} synthetic={region?.synthetic ?? false} user={session.user.displayName || session.user.username} onLogout={onLogout} onChangePassword={onChangePassword}>
          <CentreBadge />
        </Header>
        <Banners />
        <Navigation available={available} current={section} />
        {role === 'crew' ? (
          <div className="pad big">
            {t('crewUseTablet')} <a href="/tablet/">/tablet/</a>
          </div>
        ) : role === 'hospital' ? (
          <HospitalBoard />
        ) : role === 'telephony' ? (
          <div className="pad big">{t('telephonyLogin')}</div>
        ) : config && section ? (
          section.render({ config, region })
        ) : null}
      </div>
    </LiveContext.Provider>
  );
}

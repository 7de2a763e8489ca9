import { useEffect, useState } from 'react';
import { createApiClient } from '@dispatch/protocol';
import { Field, retryAfterS, stored, useSubmit } from '@dispatch/ui';
import { useI18n } from './i18n';
import { TaskScreen } from './TaskScreen';
import { useCrewAgent, type Session } from './useCrewAgent';

const savedSession = stored<Session>(localStorage, 'dispatch120.tablet.session');

/** The crew tablet: log in once per shift, then the task screen. Chinese by default, English one tap away. */
export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null>(savedSession.load);
  const handle = useCrewAgent(session);
  const title = t('appTitle');
  useEffect(() => {
    document.title = title;
  }, [title]);

  const signIn = (s: Session | null) => {
    savedSession.save(s);
    setSession(s);
  };
  const logout = () => {
    if (session) {
      // Ends the session on the server too; offline, the token simply expires.
      createApiClient({ token: () => session.token })
        .call('logout')
        .catch(() => undefined);
    }
    signIn(null);
  };

  return !session || handle.expired ? <Login onLogin={signIn} /> : <TaskScreen handle={handle} onLogout={logout} />;
}

function Login({ onLogin }: { onLogin(s: Session): void }) {
  const { t, lang, setLang, error: errorText } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // After an admin reset the login's session may only set a new password: asked for here, then logged in.
  const [newPassword, setNewPassword] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit(
    async () => {
      let result = await createApiClient().call('login', { body: { username: username.trim(), password } });
      if (result.mustChangePassword) {
        if (newPassword === null) return setNewPassword('');
        const { token } = result;
        result = await createApiClient({ token: () => token }).call('changePassword', { body: { currentPassword: password, newPassword } });
      }
      if (result.user.role !== 'crew' || !result.user.vehicleId) throw new Error(`${result.user.username}: not a crew login bound to a vehicle`);
      onLogin({ token: result.token, username: result.user.username });
    },
    (e) => (e.status === 429 ? t('loginThrottled', { seconds: retryAfterS(e) }) : e.status === 503 ? t('databaseBanner') : e.status === 401 ? t('loginFailed') : errorText(e)),
  );

  return (
    <main className="login">
      <form onSubmit={submit} className="login-card">
        <div className="login-head">
          <h1>{t('appTitle')}</h1>
          <button type="button" className="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
            {lang === 'en' ? '中文' : 'English'}
          </button>
        </div>
        <Field label={t('username')} name="username" autoComplete="username" value={username} onValue={setUsername} required />
        <Field label={t('password')} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} required />
        {newPassword !== null && (
          <Field label={t('mustChangePassword')} name="newPassword" type="password" autoComplete="new-password" minLength={10} value={newPassword} onValue={setNewPassword} required />
        )}
        {error && <p className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('loggingIn') : newPassword !== null ? t('setPassword') : t('login')}
        </button>
      </form>
    </main>
  );
}

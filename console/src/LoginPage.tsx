import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { createApiClient, HealthReport } from '@dispatch/protocol';
import { Field, retryAfterS, useSubmit } from '@dispatch/ui';
import { login, type Session } from './api/session';
import { LanguageSwitch, useI18n } from './i18n/i18n';

const COMPONENTS: Exclude<keyof HealthReport['components'], 'replica'>[] = ['postgres', 'postgis', 'pgrouting', 'redis'];

/** The frame of the login and password screens: brand, title and language, the fields, the error, the submit button. */
export function LoginBox(props: { testId: string; title: string; onSubmit(e: FormEvent): void; error: string | null; busy: boolean; submit: string; children: ReactNode; after?: ReactNode }) {
  return (
    <div className="login-page">
      <form className="login-box" onSubmit={props.onSubmit} data-testid={props.testId}>
        <div className="login-head">
          <span className="brand-mark">120</span>
          <h1>{props.title}</h1>
          <LanguageSwitch />
        </div>
        {props.children}
        {props.error && <div className="error" role="alert">{props.error}</div>}
        <button type="submit" className="primary" disabled={props.busy}>
          {props.submit}
        </button>
        {props.after}
      </form>
    </div>
  );
}

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const { t, error: errorText } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [health, setHealth] = useState<HealthReport | null>(null);
  const { busy, error, submit } = useSubmit(
    async () => onLogin(await login(username.trim(), password)),
    (e) => (e.status === 429 ? t('loginThrottled', { seconds: retryAfterS(e) }) : e.status === 503 ? t('databaseUnavailable') : e.status === 401 ? t('loginFailed') : errorText(e)),
  );

  useEffect(() => {
    // A degraded server answers 503 with the same report.
    createApiClient()
      .send('health')
      .then(({ body }) => setHealth(HealthReport.parse(body)))
      .catch(() => setHealth(null));
  }, []);

  const healthLine = health && (
    <div className="health">
      {COMPONENTS.map((c) => (
        <span key={c} className={health.components[c].ok ? 'up' : 'down'} title={health.components[c].detail}>
          ● {c}
        </span>
      ))}
    </div>
  );
  return (
    <LoginBox testId="login-form" title={t('appTitle')} onSubmit={submit} error={error} busy={busy} submit={t('login')} after={healthLine}>
      <Field label={t('username')} name="username" value={username} onValue={setUsername} autoFocus autoComplete="username" />
      <Field label={t('password')} name="password" type="password" value={password} onValue={setPassword} autoComplete="current-password" />
    </LoginBox>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { createApiClient, HealthReport, type ApiError } from '@dispatch/protocol';
import { login, type Session } from './api/session';
import { LanguageSwitch, useI18n } from './i18n/i18n';

const COMPONENTS: (keyof HealthReport['components'])[] = ['postgres', 'postgis', 'pgrouting', 'redis'];

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [health, setHealth] = useState<HealthReport | null>(null);

  useEffect(() => {
    // A degraded server answers 503 with the same report.
    createApiClient()
      .send('health')
      .then(({ body }) => setHealth(HealthReport.parse(body)))
      .catch(() => setHealth(null));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username.trim(), password));
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 429) setError(t('loginThrottled', { seconds: (e.details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60 }));
      else if (e.status === 503) setError(t('databaseUnavailable'));
      else setError(`${t('loginFailed')}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-box" onSubmit={submit} data-testid="login-form">
        <div className="login-head">
          <span className="brand-mark">120</span>
          <h1>{t('appTitle')}</h1>
          <LanguageSwitch />
        </div>
        <label>
          {t('username')}
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus autoComplete="username" />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        {error && <div className="error" role="alert">{error}</div>}
        <button type="submit" className="primary" disabled={busy}>
          {t('login')}
        </button>
        {health && (
          <div className="health">
            {COMPONENTS.map((c) => (
              <span key={c} className={health.components[c].ok ? 'up' : 'down'} title={health.components[c].detail}>
                ● {c}
              </span>
            ))}
          </div>
        )}
      </form>
    </div>
  );
}

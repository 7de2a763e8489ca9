import { useState, type FormEvent } from 'react';
import type { ApiError } from '@dispatch/protocol';
import { changePassword, type Session } from './api/session';
import { LanguageSwitch, useI18n } from './i18n/i18n';

/**
 * Sets a new password (the current one required). `forced`: after an admin reset or the bootstrap command the
 * session may only do this, so the screen offers nothing else but logging out.
 */
export function ChangePasswordPage({ session, forced, onChanged, onCancel }: { session: Session; forced: boolean; onChanged: (s: Session) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return setError(t('passwordsDiffer'));
    setBusy(true);
    setError(null);
    try {
      onChanged(await changePassword(session.token, current, next));
    } catch (err) {
      const failure = err as ApiError;
      if (failure.status === 429) setError(t('loginThrottled', { seconds: (failure.details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60 }));
      else setError(`${t('changePasswordFailed')}: ${failure.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-box" onSubmit={submit} data-testid="change-password-form">
        <div className="login-head">
          <span className="brand-mark">120</span>
          <h1>{t(forced ? 'changePasswordTitle' : 'changeOwnPassword')}</h1>
          <LanguageSwitch />
        </div>
        <p>
          {session.user.displayName || session.user.username}: {t(forced ? 'changePasswordIntro' : 'changeOwnPasswordIntro')}
        </p>
        <label>
          {t(forced ? 'currentPassword' : 'currentOwnPassword')}
          <input name="currentPassword" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus autoComplete="current-password" />
        </label>
        <label>
          {t('newPassword')}
          <input name="newPassword" type="password" value={next} onChange={(e) => setNext(e.target.value)} minLength={10} autoComplete="new-password" />
        </label>
        <label>
          {t('repeatPassword')}
          <input name="repeatPassword" type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} minLength={10} autoComplete="new-password" />
        </label>
        {error && <div className="error" role="alert">{error}</div>}
        <button type="submit" className="primary" disabled={busy}>
          {t('changePassword')}
        </button>
        <button type="button" className="ghost" onClick={onCancel}>
          {t(forced ? 'logout' : 'back')}
        </button>
      </form>
    </div>
  );
}

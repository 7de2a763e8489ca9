import { useState } from 'react';
import { Field, retryAfterS, useSubmit } from '@dispatch/ui';
import { changePassword, type Session } from './api/session';
import { useI18n } from './i18n/i18n';
import { LoginBox } from './LoginPage';

/**
 * Sets a new password (the current one required). `forced`: after an admin reset or the bootstrap command the
 * session may only do this, so the screen offers nothing else but logging out.
 */
export function ChangePasswordPage({ session, forced, onChanged, onCancel }: { session: Session; forced: boolean; onChanged: (s: Session) => void; onCancel: () => void }) {
  const { t, error: errorText } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, setError, submit } = useSubmit(
    async () => onChanged(await changePassword(session.token, current, next)),
    (e) => (e.status === 429 ? t('loginThrottled', { seconds: retryAfterS(e) }) : `${t('changePasswordFailed')}: ${errorText(e)}`),
  );

  return (
    <LoginBox
      testId="change-password-form"
      title={t(forced ? 'changePasswordTitle' : 'changeOwnPassword')}
      onSubmit={(e) => (next === repeat ? void submit(e) : (e.preventDefault(), setError(t('passwordsDiffer'))))}
      error={error}
      busy={busy}
      submit={t('changePassword')}
      after={
        <button type="button" className="ghost" onClick={onCancel}>
          {t(forced ? 'logout' : 'back')}
        </button>
      }
    >
      <p>
        {session.user.displayName || session.user.username}: {t(forced ? 'changePasswordIntro' : 'changeOwnPasswordIntro')}
      </p>
      <Field label={t(forced ? 'currentPassword' : 'currentOwnPassword')} name="currentPassword" type="password" value={current} onValue={setCurrent} autoFocus autoComplete="current-password" />
      <Field label={t('newPassword')} name="newPassword" type="password" value={next} onValue={setNext} minLength={10} autoComplete="new-password" />
      <Field label={t('repeatPassword')} name="repeatPassword" type="password" value={repeat} onValue={setRepeat} minLength={10} autoComplete="new-password" />
    </LoginBox>
  );
}

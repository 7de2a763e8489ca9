import type { ReactNode } from 'react';
import { LanguageSwitch, useI18n } from '../i18n/i18n';
import { useNow } from '@dispatch/ui';
import { useLive } from '../realtime/useLive';

/**
 * The top bar: title, synthetic-data warning, clock, connection, language and the user. On one line at 1366 px in
 * either language (styles.css, "header"): below 1800 px the demo badge and the password button take short words and
 * the connection its dot; on the dispatch desk the product's name gives way to the alerts (the 120 mark stays, the
 * name is its tooltip).
 */
export function Header({ title, synthetic, user, onLogout, onChangePassword, children }: { title: string; synthetic: boolean; user: string; onLogout: () => void; onChangePassword: () => void; children?: ReactNode }) {
  const { t, clock } = useI18n();
  const { status } = useLive();
  const now = useNow();
  return (
    <header className="top-bar">
      <div className="brand" title={title}>
        <span className="brand-mark">120</span>
        <h1>{title}</h1>
      </div>
      {synthetic && (
        <span className="synthetic-badge" data-testid="synthetic-badge" title={t('syntheticData')}>
          <span className="wide-only">{t('syntheticData')}</span>
          <span className="narrow-only">{t('syntheticShort')}</span>
        </span>
      )}
      {children}
      {/* The dispatcher's alerts are drawn here (console/src/alerts/AlertBar.tsx). */}
      <div className="header-alerts" id="header-alerts" />
      <div className="top-right">
        <span className={`conn conn-${status}`} data-testid="connection-state" title={status === 'connected' ? t('online') : t('offline')}>
          ● <span className="conn-word">{status === 'connected' ? t('online') : t('offline')}</span>
        </span>
        <span className="clock">{clock(now)}</span>
        <LanguageSwitch />
        <span className="user">{user}</span>
        <button type="button" className="ghost" onClick={onChangePassword} data-testid="change-password" title={t('changeOwnPassword')}>
          <span className="wide-only">{t('changeOwnPassword')}</span>
          <span className="narrow-only">{t('changeOwnPasswordShort')}</span>
        </button>
        <button type="button" className="ghost" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}

/**
 * What keeps the console from working normally, each in its own banner: this page and the server speak different
 * protocol versions (which side to update, instead of endless retries); the server cannot reach its database (the
 * session and the screen stay, and carry on after); the socket is down (the live state resynchronises by itself).
 */
export function Banners() {
  const { t, clock } = useI18n();
  const { versionMismatch, databaseUnavailable, status, disconnectedAt, reconnectAttempt, syncedAt, lastError } = useLive();
  const banner = (testId: string, content: ReactNode) => (
    <div className="disconnected-banner" role="alert" data-testid={testId}>
      {content}
    </div>
  );
  return (
    <>
      {versionMismatch && banner('version-banner', <strong>{t(versionMismatch)}</strong>)}
      {databaseUnavailable &&
        banner('database-banner', <><strong>{t('databaseUnavailable')}</strong> <span>{t('databaseUnavailableDetail')}</span></>)}
      {status !== 'connected' &&
        syncedAt !== null &&
        banner(
          'disconnected-banner',
          <>
            <strong>{t('disconnected')}</strong>
            {disconnectedAt !== null && <span> {t('disconnectedSince', { time: clock(disconnectedAt) })}</span>}
            {reconnectAttempt > 0 && <span> · {t('reconnectAttempt', { attempt: reconnectAttempt })}</span>}
            {lastError && <span className="banner-detail"> ({lastError})</span>}
          </>,
        )}
    </>
  );
}

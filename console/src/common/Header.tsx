import type { ReactNode } from 'react';
import { LanguageSwitch, useI18n } from '../i18n/i18n';
import { useNow } from '@dispatch/ui';
import { useLive } from '../realtime/useLive';

/** The top bar: title, synthetic-data warning, clock, connection, language and the user. */
export function Header({ title, synthetic, user, onLogout, onChangePassword, children }: { title: string; synthetic: boolean; user: string; onLogout: () => void; onChangePassword: () => void; children?: ReactNode }) {
  const { t, clock } = useI18n();
  const { status } = useLive();
  const now = useNow();
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark">120</span>
        <h1>{title}</h1>
      </div>
      {synthetic && (
        <span className="synthetic-badge" data-testid="synthetic-badge">
          {t('syntheticData')}
        </span>
      )}
      {children}
      <div className="top-right">
        <span className={`conn conn-${status}`} data-testid="connection-state">
          ● {status === 'connected' ? t('online') : t('offline')}
        </span>
        <span className="clock">{clock(now)}</span>
        <LanguageSwitch />
        <span className="user">{user}</span>
        <button type="button" className="ghost" onClick={onChangePassword} data-testid="change-password">
          {t('changeOwnPassword')}
        </button>
        <button type="button" className="ghost" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}

/** Shown while the server cannot reach its database: the session and the screen stay, and carry on after. */
export function DatabaseBanner() {
  const { t } = useI18n();
  const { databaseUnavailable } = useLive();
  if (!databaseUnavailable) return null;
  return (
    <div className="disconnected-banner" role="alert" data-testid="database-banner">
      <strong>{t('databaseUnavailable')}</strong> <span>{t('databaseUnavailableDetail')}</span>
    </div>
  );
}

/** The server and this page speak different protocol versions: which side to update, instead of endless retries. */
export function VersionBanner() {
  const { t } = useI18n();
  const { versionMismatch } = useLive();
  if (!versionMismatch) return null;
  return (
    <div className="disconnected-banner" role="alert" data-testid="version-banner">
      <strong>{t(versionMismatch)}</strong>
    </div>
  );
}

/** Shown while the socket is down; the live state resynchronises by itself when it is back. */
export function DisconnectedBanner() {
  const { t, clock } = useI18n();
  const { status, disconnectedAt, reconnectAttempt, syncedAt, lastError } = useLive();
  if (status === 'connected' || syncedAt === null) return null;
  return (
    <div className="disconnected-banner" role="alert" data-testid="disconnected-banner">
      <strong>{t('disconnected')}</strong>
      {disconnectedAt !== null && <span> {t('disconnectedSince', { time: clock(disconnectedAt) })}</span>}
      {reconnectAttempt > 0 && <span> · {t('reconnectAttempt', { attempt: reconnectAttempt })}</span>}
      {lastError && <span className="banner-detail"> ({lastError})</span>}
    </div>
  );
}

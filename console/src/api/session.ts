import { createApiClient, type ApiClient, type LoginResult } from '@dispatch/protocol';
import { stored } from '@dispatch/ui';

/** A login's answer, kept for the tab. */
export type Session = LoginResult;

// Per tab, so a dispatcher and a hospital login can sit side by side in one browser.
export const { load: loadSession, save: saveSession } = stored<Session>(sessionStorage, 'dispatch120.session');

/**
 * The client of a session. A 401 means the session ended (expired token, server secret changed): `onEnded`,
 * so the login shows again. A 503 naming the database means it cannot be reached for now (the session lives
 * on): `onDatabase(false)`, and `onDatabase(true)` at the next answer.
 */
export function sessionApi(token: string, onEnded: () => void = () => undefined, onDatabase: (reachable: boolean) => void = () => undefined): ApiClient {
  return createApiClient({
    token: () => token,
    onAnswer: (status, error) => {
      // Other 503s (no road network imported) say nothing about the database.
      onDatabase(!(status === 503 && /database/.test(error ?? '')));
      if (status === 401) onEnded();
    },
  });
}

export const login = (username: string, password: string): Promise<Session> => createApiClient().call('login', { body: { username, password } });

/** Sets a new password; the answer is a new full session (every other session of the login has ended). */
export const changePassword = (token: string, currentPassword: string, newPassword: string): Promise<Session> =>
  sessionApi(token).call('changePassword', { body: { currentPassword, newPassword } });

/** Ends the session on the server too, so the token is refused from now on; a failure changes nothing here. */
export function logoutOnServer(token: string): void {
  sessionApi(token)
    .call('logout')
    .catch(() => undefined);
}

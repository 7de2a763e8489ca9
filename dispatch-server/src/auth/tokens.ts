import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Principal } from '@dispatch/protocol';

/** The token is bad, expired, without `exp`, or its session was ended or its login changed: log in again (401). */
export class SessionInvalidError extends Error {}

/** The session may only change the password (after a reset or the bootstrap command) (403). */
export class PasswordChangeRequiredError extends Error {
  constructor() {
    super('a new password must be set first (POST /api/auth/password)');
  }
}

/** A live session: the caller, the token's session id (its jti) and whether it may only change the password. */
export interface VerifiedSession {
  principal: Principal;
  sessionId: string;
  passwordChangeOnly: boolean;
}

/** Where sessions are kept; the database in the server (auth/sessions.ts). */
export interface SessionStore {
  create(session: { id: string; userId: string; passwordChangeOnly: boolean; expiresAt: Date; remoteAddr: string | null }): Promise<void>;
  /** The session and its login as the database says now; null when unknown. Throws when it cannot be read. */
  current(sessionId: string): Promise<{
    userId: string;
    role: string;
    vehicleId: string | null;
    hospitalId: string | null;
    centreId: string | null;
    disabled: boolean;
    revoked: boolean;
    passwordChangeOnly: boolean;
  } | null>;
}

export interface TokenService {
  issue(principal: Principal, options?: { passwordChangeOnly?: boolean; remoteAddr?: string | null }): Promise<string>;
  /**
   * The caller of a full session. Throws SessionInvalidError (log in again), PasswordChangeRequiredError,
   * or, when the session cannot be checked now (database down), the database's own error: never "invalid".
   */
  verify(token: string): Promise<Principal>;
  /** Any live session, including one that may only change the password. Throws as `verify`. */
  session(token: string): Promise<VerifiedSession>;
  /** Drops what this process has cached of a login's sessions, so their revocation holds here at once, and tells the other processes. */
  forget(userId: string): void;
  /** Drops what this process has cached of a login's sessions (another process told it of a revocation). */
  forgetHere(userId: string): void;
}

/** How long a session's state is trusted before it is read again; other server processes see a revocation within it. */
const RECHECK_MS = 10_000;

/**
 * Signs and checks session tokens. With a session store, every token is a session row: it is refused once
 * that session is revoked (logout, password change, admin) or its login is disabled, deleted, or bound to
 * another vehicle, hospital or role (read at most every 10 s per session), so a crew moved to another vehicle
 * loses the old one without waiting for the token to expire.
 */
/** @param tellPeers passes `forget` on to the other server processes (realtime/peers.ts) */
export function createTokenService(secret: string, ttlHours: number, store?: SessionStore, tellPeers?: (userId: string) => void): TokenService {
  const key = new TextEncoder().encode(secret);
  type Current = Awaited<ReturnType<SessionStore['current']>>;
  const cache = new Map<string, { at: number; value: Current }>();
  const current = async (sessionId: string) => {
    const hit = cache.get(sessionId);
    if (hit && Date.now() - hit.at < RECHECK_MS) return hit.value;
    // A read that fails (database down) throws as it is and caches nothing: "cannot check now", not "invalid".
    const value = await store!.current(sessionId);
    cache.set(sessionId, { at: Date.now(), value });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return value;
  };

  const forgetHere = (userId: string) => {
    for (const [id, entry] of cache) if (entry.value?.userId === userId) cache.delete(id);
  };

  const session = async (token: string): Promise<VerifiedSession> => {
    let principal: Principal;
    let sessionId: string;
    let passwordChangeOnly: boolean;
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'jti'] });
      principal = Principal.parse(payload);
      sessionId = z.uuid().parse(payload.jti);
      passwordChangeOnly = payload.pco === true;
    } catch {
      throw new SessionInvalidError('invalid or expired token');
    }
    if (store) {
      const now = await current(sessionId);
      const unchanged =
        now &&
        !now.revoked &&
        !now.disabled &&
        now.userId === principal.userId &&
        now.role === principal.role &&
        now.vehicleId === principal.vehicleId &&
        now.hospitalId === principal.hospitalId &&
        now.centreId === (principal.centreId ?? null);
      if (!unchanged) throw new SessionInvalidError('the session was ended or the login disabled or changed; log in again');
      passwordChangeOnly ||= now.passwordChangeOnly;
    }
    return { principal, sessionId, passwordChangeOnly };
  };

  return {
    async issue(principal, options = {}) {
      const sessionId = randomUUID();
      const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
      const passwordChangeOnly = options.passwordChangeOnly ?? false;
      await store?.create({ id: sessionId, userId: principal.userId, passwordChangeOnly, expiresAt, remoteAddr: options.remoteAddr ?? null });
      return new SignJWT({ ...principal, ...(passwordChangeOnly ? { pco: true } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.userId)
        .setJti(sessionId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
    },
    session,
    async verify(token) {
      const verified = await session(token);
      if (verified.passwordChangeOnly) throw new PasswordChangeRequiredError();
      return verified.principal;
    },
    forget(userId) {
      forgetHere(userId);
      tellPeers?.(userId);
    },
    forgetHere,
  };
}

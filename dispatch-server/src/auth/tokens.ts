import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Role } from '@dispatch/protocol';

/** Who is calling: carried in the token, checked on every request and socket handshake. */
export const Principal = z.object({
  userId: z.uuid(),
  username: z.string(),
  role: Role,
  vehicleId: z.uuid().nullable(),
  hospitalId: z.uuid().nullable(),
});
export type Principal = z.infer<typeof Principal>;

export interface TokenService {
  issue(principal: Principal): Promise<string>;
  verify(token: string): Promise<Principal>;
}

/** What the database says of a login now; a token's claims must still match it. */
export type CurrentUser = (userId: string) => Promise<{ role: string; vehicleId: string | null; hospitalId: string | null; disabled: boolean } | null>;

/** How long a user's current state is trusted before it is read again. */
const RECHECK_MS = 10_000;

/**
 * Signs and checks session tokens. With `currentUser`, a token is also refused once its login is disabled,
 * deleted, or bound to another vehicle or hospital or role (read at most every 10 s per user), so a crew moved
 * to another vehicle loses the old one without waiting for the token to expire.
 */
export function createTokenService(secret: string, ttlHours: number, currentUser?: CurrentUser): TokenService {
  const key = new TextEncoder().encode(secret);
  const cache = new Map<string, { at: number; value: Awaited<ReturnType<CurrentUser>> }>();
  const current = async (userId: string) => {
    const hit = cache.get(userId);
    if (hit && Date.now() - hit.at < RECHECK_MS) return hit.value;
    const value = await currentUser!(userId);
    cache.set(userId, { at: Date.now(), value });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return value;
  };
  return {
    issue: (principal) =>
      new SignJWT({ ...principal })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlHours}h`)
        .sign(key),
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      const principal = Principal.parse(payload);
      if (currentUser) {
        const now = await current(principal.userId);
        const unchanged =
          now && !now.disabled && now.role === principal.role && now.vehicleId === principal.vehicleId && now.hospitalId === principal.hospitalId;
        if (!unchanged) throw new Error('the login was disabled or changed; log in again');
      }
      return principal;
    },
  };
}

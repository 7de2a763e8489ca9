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

export function createTokenService(secret: string, ttlHours: number): TokenService {
  const key = new TextEncoder().encode(secret);
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
      return Principal.parse(payload);
    },
  };
}

import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/errors';

/** Failed logins allowed per login name and per address within the window before both are refused for a while. */
export const LOGIN_LIMITS = {
  perLogin: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  perAddress: { points: 50, duration: 15 * 60, blockDuration: 15 * 60 },
};

/** Too many failed logins: 429, with the seconds to wait for the Retry-After header. */
export class LoginThrottledError extends HttpError {
  constructor(readonly retryAfterS: number) {
    super(429, `too many failed logins; try again in ${retryAfterS} s`, { retryAfterS });
  }
}

export interface LoginThrottle {
  /** Throws LoginThrottledError while this login or this address has failed too often. */
  check(username: string, address: string | null): Promise<void>;
  failed(username: string, address: string | null): Promise<void>;
  /** A correct password clears the login's count (not the address's: one address may try many logins). */
  succeeded(username: string): Promise<void>;
}

/**
 * Counts failed logins per login name and per address in Redis, so every server process shares the count.
 * Each counter has an in-memory twin that takes over while Redis is unreachable: an outage neither opens the
 * door to guessing nor locks anyone out.
 */
export function createLoginThrottle(redis: Redis, prefix: string): LoginThrottle {
  const limiter = (name: string, limits: (typeof LOGIN_LIMITS)['perLogin']) => {
    const memory = new RateLimiterMemory({ keyPrefix: `${name}-insurance`, ...limits });
    const shared = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-failures:${name}`,
      ...limits,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
    // The client queues commands while Redis is down, and the library's insurance covers consume only, not
    // get or delete: answer from memory at once whenever Redis is not ready instead of waiting for it.
    return () => (redis.status === 'ready' ? shared : memory);
  };
  const byLogin = limiter('login', LOGIN_LIMITS.perLogin);
  const byAddress = limiter('address', LOGIN_LIMITS.perAddress);
  const refuse = (res: RateLimiterRes) => {
    throw new LoginThrottledError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  };
  return {
    async check(username, address) {
      for (const [l, key, points] of [
        [byLogin(), username, LOGIN_LIMITS.perLogin.points],
        [byAddress(), address ?? 'unknown', LOGIN_LIMITS.perAddress.points],
      ] as const) {
        const res = await l.get(key);
        if (res && res.consumedPoints >= points) refuse(res);
      }
    },
    async failed(username, address) {
      const consumed = await Promise.allSettled([byLogin().consume(username), byAddress().consume(address ?? 'unknown')]);
      for (const c of consumed) {
        if (c.status === 'rejected' && c.reason instanceof RateLimiterRes) continue;
        if (c.status === 'rejected') throw c.reason;
      }
    },
    async succeeded(username) {
      await byLogin().delete(username);
    },
  };
}

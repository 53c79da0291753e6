/**
 * Throttling password guesses, in place of locking an account for everyone. Two counters in
 * Redis (node/http/rate-limit.ts, so they hold across every web process of a node), both keyed by
 * the login as typed (normalised as the account lookup does), whether or not such an account
 * exists, so an unknown login is throttled exactly like a known one and a throttled answer says
 * nothing about which logins exist:
 *
 * - per login and address: LOGIN_MAX_FAILURES tries without a success from one address make that
 *   address wait LOCKOUT_SECONDS for that login. The owner signing in from elsewhere is not held
 *   up by someone guessing from here; a success from the address starts its count again.
 * - per login, all addresses together: RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE failed tries a
 *   minute, so guessing from many addresses at once meets a limit too (the per-address limit of
 *   the sign-in routes alone let three addresses try 60 times a minute). Successes are given back.
 *
 * A try is counted before its password is checked and given back once it proved right (after the
 * sign-in committed), so parallel guesses cannot slip past a count, and a refused try costs no
 * password check at all. Over a limit: 429 RATE_LIMITED with Retry-After, for every login alike.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRes, type RLWrapperTimeouts } from 'rate-limiter-flexible';
import { rateKeyPrefix, redisLimiter } from '../http/rate-limit.ts';
import type { Settings } from '../config/settings.ts';

export interface SignInThrottleOptions {
  redis: Redis;
  /** The node's queue prefix. */
  keyPrefix: string;
  /** Tries without a success, per login and address, before that address waits. */
  maxFailures: number;
  /** How long it waits, in seconds (and how long its failures are remembered). */
  lockoutSeconds: number;
  /** Failed tries per login per minute, all addresses together. */
  perLoginPerMinute: number;
}

/** The try may go on to the password check, or must wait `retryAfterMs`. */
export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

const ADDRESS_BUCKET = 'login-address';
const LOGIN_BUCKET = 'login-account';

/** A fixed-length, key-safe name for a login: what the account lookup compares (lower case). */
export function loginKey(login: string): string {
  return createHash('sha256').update(login.toLowerCase()).digest('hex').slice(0, 32);
}

/** The node's throttle, as its settings shape it (the node and the CLI's `users unlock`). */
export function signInThrottleOf(redis: Redis, settings: Pick<Settings, 'queuePrefix' | 'loginMaxFailures' | 'lockoutSeconds' | 'rateLimitLoginPerAccountPerMinute'>): SignInThrottle {
  return new SignInThrottle({
    redis, keyPrefix: settings.queuePrefix, maxFailures: settings.loginMaxFailures, lockoutSeconds: settings.lockoutSeconds, perLoginPerMinute: settings.rateLimitLoginPerAccountPerMinute,
  });
}

/** A Redis glob matching `text` literally. */
const globLiteral = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

export class SignInThrottle {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #byAddress: RLWrapperTimeouts;
  readonly #byLogin: RLWrapperTimeouts;

  constructor(options: SignInThrottleOptions) {
    this.#redis = options.redis;
    this.#keyPrefix = options.keyPrefix;
    this.#byAddress = redisLimiter(options.redis, options.keyPrefix, ADDRESS_BUCKET, {
      points: options.maxFailures, durationSeconds: options.lockoutSeconds, blockSeconds: options.lockoutSeconds,
    });
    this.#byLogin = redisLimiter(options.redis, options.keyPrefix, LOGIN_BUCKET, { points: options.perLoginPerMinute, durationSeconds: 60 });
  }

  /** Counts one try of `login` from `address`, or answers how long it must wait. */
  async admit(login: string, address: string): Promise<Admission> {
    const key = loginKey(login);
    const pair = `${key}:${address}`;
    const refused = await consume(this.#byAddress, pair);
    if (refused) return refused;
    const overall = await consume(this.#byLogin, key);
    if (overall) {
      // Not checked, so not a failure of this address.
      await this.#byAddress.reward(pair).catch(() => undefined);
      return overall;
    }
    return { admitted: true };
  }

  /** The try of `login` from `address` was right: its address starts counting again and the login's try is given back. */
  async succeeded(login: string, address: string): Promise<void> {
    const key = loginKey(login);
    await Promise.all([this.#byAddress.delete(`${key}:${address}`), this.#byLogin.reward(key)]);
  }

  /** Forgets every count of `login`, from every address (an administrator's `unlock`). */
  async clear(login: string): Promise<void> {
    const key = loginKey(login);
    const prefix = rateKeyPrefix(this.#keyPrefix);
    const pattern = `${globLiteral(`${prefix}:${ADDRESS_BUCKET}:${key}:`)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await this.#redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await this.#redis.del(`${prefix}:${LOGIN_BUCKET}:${key}`);
  }
}

/** Null when the point was taken; the wait when the limiter refused. A limiter failing even in memory lets the try through, as the route limits do. */
async function consume(limiter: RLWrapperTimeouts, key: string): Promise<Admission | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) return null;
    return { admitted: false, retryAfterMs: refusal.msBeforeNext };
  }
}

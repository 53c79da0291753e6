/**
 * Rate limits per client address on what needs no credentials: the sign-in endpoints
 * (POST /api/v1/auth/login and /token, RATE_LIMIT_LOGIN_PER_MINUTE together) and every other
 * route ROUTE_POLICY marks `public` (RATE_LIMIT_PUBLIC_PER_MINUTE each address, all such routes
 * together). Counting is a fixed one-minute window in Redis (rate-limiter-flexible's atomic Lua
 * INCR + EXPIRE), under the node's queue prefix, so the limit holds across restarts and for every
 * process of a node. Over the limit: 429 RATE_LIMITED with Retry-After.
 *
 * Redis unreachable or slow (not ready, or no answer within REDIS_TIMEOUT_MS): counting falls back
 * to this process's memory, with the same limits. Neither way fails closed: /health must still
 * answer so probes report the Redis outage, and sign-in must not be lost to a cache outage, while
 * a brute-force attempt still meets a limit.
 */
import type { Middleware } from 'koa';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { ROUTE_POLICY } from '../access/route-policy.ts';
import { AppError } from '../core/errors.ts';

export interface RateLimitOptions {
  redis: Redis;
  /** The node's queue prefix: keys are `<prefix>:rate:<bucket>:<address>`. */
  keyPrefix: string;
  loginPerMinute: number;
  publicPerMinute: number;
}

/** The sign-in endpoints, counted apart from the other public routes and far lower. */
export const LOGIN_ROUTES: readonly string[] = ['POST /api/v1/auth/login', 'POST /api/v1/auth/token'];

const WINDOW_SECONDS = 60;
/** How long a request waits for Redis before counting falls back to memory. */
const REDIS_TIMEOUT_MS = 500;

interface RouteMatcher {
  method: string;
  pattern: RegExp;
  bucket: 'login' | 'public';
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The sign-in endpoints and ROUTE_POLICY's public routes as matchers on method and path (`:param` matches one segment, as in the router). */
export function publicRouteMatchers(policy: Record<string, unknown> = ROUTE_POLICY): RouteMatcher[] {
  const keys = new Set([...LOGIN_ROUTES, ...Object.keys(policy).filter((key) => policy[key] === 'public')]);
  return [...keys].map((key) => {
    const [method = '', path = ''] = key.split(' ');
    const source = path.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : escapeRegExp(part))).join('/');
    // Case-insensitive and with an optional trailing slash, like the router's matching.
    return { method, pattern: new RegExp(`^${source}/?$`, 'i'), bucket: LOGIN_ROUTES.includes(key) ? 'login' : 'public' };
  });
}

function limiter(options: RateLimitOptions, bucket: string, points: number): RLWrapperTimeouts {
  const store = new RateLimiterRedis({
    storeClient: options.redis, keyPrefix: `${options.keyPrefix}:rate:${bucket}`, points, duration: WINDOW_SECONDS, rejectIfRedisNotReady: true,
  });
  return new RLWrapperTimeouts({ limiter: store, timeoutMs: REDIS_TIMEOUT_MS, insuranceLimiter: new RateLimiterMemory({ points, duration: WINDOW_SECONDS }) });
}

/** Mounted before the body is read: a flood is refused before it costs parsing, authentication or a query. */
export function rateLimit(options: RateLimitOptions): Middleware {
  const matchers = publicRouteMatchers();
  const limiters = { login: limiter(options, 'login', options.loginPerMinute), public: limiter(options, 'public', options.publicPerMinute) };
  return async (ctx, next) => {
    // The router answers HEAD with its GET route.
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const route = matchers.find((matcher) => matcher.method === method && matcher.pattern.test(ctx.path));
    if (!route) return next();
    try {
      await limiters[route.bucket].consume(ctx.ip || 'unknown');
    } catch (refusal) {
      // Anything but a refusal is the limiter failing even in memory: let the request through.
      if (!(refusal instanceof RateLimiterRes)) return next();
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      ctx.set('Retry-After', String(retryAfterSeconds));
      throw new AppError('RATE_LIMITED', { retryAfterSeconds });
    }
    return next();
  };
}

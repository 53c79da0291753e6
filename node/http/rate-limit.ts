/**
 * Rate limits per client address on what needs no credentials: the sign-in endpoints
 * (POST /api/v1/auth/login and /token, RATE_LIMIT_LOGIN_PER_MINUTE together) and every other
 * route ROUTE_POLICY marks `public` (RATE_LIMIT_PUBLIC_PER_MINUTE each address, all such routes
 * together). Counting is a fixed one-minute window in Redis (rate-limiter-flexible's atomic Lua
 * INCR + EXPIRE), under the node's queue prefix, so the limit holds across restarts and for every
 * process of a node. Over the limit: 429 RATE_LIMITED with Retry-After. The sign-in throttle
 * (node/access/sign-in-throttle.ts) counts password tries with the same limiters.
 *
 * Redis unreachable or slow (not ready, or no answer within REDIS_TIMEOUT_MS): counting falls back
 * to this process's memory, with the same limits. Neither way fails closed: /health must still
 * answer so probes report the Redis outage, and sign-in must not be lost to a cache outage, while
 * a brute-force attempt still meets a limit.
 */
import type { Context, Middleware } from 'koa';
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

/** How a limiter counts: `points` per `durationSeconds`; over them, with `blockSeconds`, the key waits that long from then on. */
export interface LimiterShape {
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

/**
 * A counter in Redis under `<prefix>:rate:<bucket>:<key>`, falling back to this process's memory
 * (same shape) while Redis is unreachable or slow. Shared by every limit of the node.
 */
export function redisLimiter(redis: Redis, keyPrefix: string, bucket: string, shape: LimiterShape): RLWrapperTimeouts {
  const counting = { points: shape.points, duration: shape.durationSeconds, blockDuration: shape.blockSeconds ?? 0 };
  const store = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${rateKeyPrefix(keyPrefix)}:${bucket}`, ...counting, rejectIfRedisNotReady: true });
  // The wrapper hands its own blockDuration to the insurance limiter: it must carry the same.
  return new RLWrapperTimeouts({ limiter: store, timeoutMs: REDIS_TIMEOUT_MS, blockDuration: counting.blockDuration, insuranceLimiter: new RateLimiterMemory(counting) });
}

/** Where a node's rate-limit keys live in Redis. */
export const rateKeyPrefix = (keyPrefix: string): string => `${keyPrefix}:rate`;

/** Sets Retry-After and answers the RATE_LIMITED refusal for a limiter's refusal `msBeforeNext` from now. */
export function rateLimited(ctx: Context, msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  ctx.set('Retry-After', String(retryAfterSeconds));
  return new AppError('RATE_LIMITED', { retryAfterSeconds });
}

function limiter(options: RateLimitOptions, bucket: string, points: number): RLWrapperTimeouts {
  return redisLimiter(options.redis, options.keyPrefix, bucket, { points, durationSeconds: WINDOW_SECONDS });
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
      throw rateLimited(ctx, refusal.msBeforeNext);
    }
    return next();
  };
}

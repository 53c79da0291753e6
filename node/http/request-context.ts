/**
 * First middleware of the chain: a request id (taken from `X-Request-Id` when the caller sends a
 * sane one), a child logger carrying it, a forked EntityManager (a write request later swaps in
 * its transactional one: write-transaction.ts), one access-log line and the request metrics. Secrets never reach the log: only method, route and status are written.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestState } from './state.ts';
import type { NodeMetrics } from '../health/metrics.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(orm: MikroORM, logger: Logger, metrics: NodeMetrics): Middleware<RequestState> {
  return async (ctx, next) => {
    const sent = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.state.em = orm.em.fork();
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      ctx.state.log.info({ method: ctx.method, route, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}

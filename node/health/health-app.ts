/**
 * The HTTP server of a worker process (NODE_PROCESS=worker): GET /health only, on PORT, for the
 * container's health check and the load balancer's view of the worker (database, Redis, calendar
 * years, the queues this process works). It serves no API: every other path answers 404.
 */
import Koa from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { NodeIdentity } from '../../federation/index.ts';
import { errorRenderer } from '../http/error-renderer.ts';
import { AppError } from '../core/errors.ts';
import { requestContext } from '../http/request-context.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { sharedState } from '../http/shared-state.ts';
import type { RequestState } from '../http/state.ts';
import { healthRoutes, type HealthDeps } from './health-routes.ts';
import { routerOf } from '../core/route-contract.ts';

export interface HealthAppDeps extends HealthDeps {
  orm: MikroORM;
  logger: Logger;
  identity: NodeIdentity;
}

export function createHealthApp(deps: HealthAppDeps): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: false });
  // Only /health is served: the worker's probe (metrics stay with the web processes).
  const health = routerOf(healthRoutes(deps).filter((route) => route.path === '/health'));
  app.use(requestContext(deps.orm, deps.logger, deps.metrics));
  app.use(errorRenderer());
  app.use(securityHeaders({ https: false }));
  app.use(async (ctx, next) => {
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.path === '/health') return next();
    throw new AppError('NOT_FOUND');
  });
  // The calendar years /health reports are the ones in force, as in a web process.
  app.use(sharedState({ rules: deps.rules, identity: deps.identity }));
  app.use(health.routes());
  return app;
}

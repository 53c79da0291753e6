/**
 * The Koa application of a node: the log's secret scope, request context, error renderer, security
 * headers, rate limits on the public routes, JSON body parsing (and the token endpoint's form body)
 * with size, charset, depth and text checks, then the public routes and the `/api/v1` routes behind
 * the bearer token. Handlers stay thin; the feature folders hold the work.
 */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/settings.ts';
import type { NodeMetrics } from '../health/metrics.ts';
import { healthRoutes } from '../health/health-routes.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { policyRoutes } from '../timelimits/policy-routes.ts';
import { calendarRoutes } from '../calendar/calendar-routes.ts';
import { catalogRoutes } from '../catalog/catalog-routes.ts';
import { caseRoutes } from '../cases/case-routes.ts';
import { importRoutes } from '../imports/import-routes.ts';
import type { ImportQueue } from '../imports/import-queue.ts';
import {
  type NodeIdentity, keyAdminRoutes, wellKnownRoutes, enrollmentAdminRoutes, enrollmentPublicRoutes,
  type FederationContext, syncAdminRoutes, syncPublicRoutes, type SyncTrigger, type BatchApplier,
  rollupRoutes, auditAdminRoutes, auditPublicRoutes, type AuditTrigger, type AuditHost, policyPublicRoutes,
} from '../../federation/index.ts';
import type { PolicyIssuer } from '../timelimits/policy-provenance.ts';
import type { EventLogSequencer } from '../cases/event-log-source.ts';
import { notifyRoutes } from '../notify/notify-routes.ts';
import { webhookDestinations } from '../notify/webhook-destination.ts';
import type { NotificationJobs } from '../notify/notification-queue.ts';
import { alertRoutes } from '../supervision/alert-routes.ts';
import type { SweepJobs } from '../jobs/sweep-queue.ts';
import type { AlertNotifier } from '../supervision/alert-notifier.ts';
import { authenticate } from '../access/authenticate.ts';
import { AccessTokens } from '../access/access-tokens.ts';
import { authRoutes } from '../access/auth-routes.ts';
import { signInThrottleOf } from '../access/sign-in-throttle.ts';
import { userRoutes } from '../access/user-routes.ts';
import { clientRoutes } from '../access/client-routes.ts';
import { requestAudit } from '../audit-trail/audit-middleware.ts';
import { auditTrailRoutes } from '../audit-trail/audit-routes.ts';
import { auditDatabaseOf } from '../audit-trail/audit-store.ts';
import type { AuditProtection } from '../db/runtime-role.ts';
import { poolRunner } from '../core/db.ts';
import { guardRoutes, permissionName } from '../access/route-guard.ts';
import { routerOf, type RouteShape } from '../core/route-contract.ts';
import { openApiRoutes } from '../core/openapi.ts';
import { keysetPage } from '../core/pagination.ts';
import { errorRenderer } from './error-renderer.ts';
import { requireJsonWrites } from './require-json.ts';
import { formBody } from './form-body.ts';
import { requestContext } from './request-context.ts';
import { securityHeaders } from './security-headers.ts';
import { jsonBodyLimits } from './json-body-limits.ts';
import { rateLimit } from './rate-limit.ts';
import { rememberBodySecrets, secretScope } from './log-secrets.ts';
import { urlText } from './url-text.ts';
import { writeTransaction } from './write-transaction.ts';
import { sharedState } from './shared-state.ts';
import type { RequestState } from './state.ts';

/** Where the node's API lives. */
export const API_PREFIX = '/api/v1';

export interface AppDeps {
  settings: Settings;
  orm: MikroORM;
  logger: Logger;
  redis: Redis;
  metrics: NodeMetrics;
  rules: TimeRules;
  imports: ImportQueue;
  identity: NodeIdentity;
  federation: FederationContext;
  sync: SyncTrigger;
  sequencer: EventLogSequencer;
  applier: BatchApplier;
  /** Re-supervision: runs this node's audits of its children; answers its parent's. */
  audits: AuditTrigger;
  auditHost: AuditHost;
  /** Signs calendars and the policy set at the province; refuses changes to those issued above. */
  policyIssuer: PolicyIssuer;
  /** Delivery of department notifications (contacts and notifications routes; the workflow enqueues). */
  notifications: NotificationJobs;
  sweeps: SweepJobs;
  /** Writes and queues the notifications of notices and escalations. */
  notifier: AlertNotifier;
  /** Queues the sweep of an ingested batch's cases (unset: they wait for the scheduled sweep). */
  afterIngest?: (caseNos: string[]) => void;
  /** Whether the database role the node runs with cannot rewrite the audit trail (shown by /health). */
  auditTrail: AuditProtection;
  now: () => Date;
}

export function createApp(deps: AppDeps): Koa<RequestState> {
  // TRUST_PROXY: one reverse proxy appends the client to X-Forwarded-For; its last entry is the
  // client (maxIpsCount 1), so an address a client wrote into the header itself is never taken.
  const app = new Koa<RequestState>({ proxy: deps.settings.trustProxy, maxIpsCount: 1 });
  const tokens = new AccessTokens({ ring: () => deps.identity.ring, nodeCode: deps.settings.nodeCode, lifetimeSeconds: deps.settings.accessTokenSeconds, now: deps.now });
  const throttle = signInThrottleOf(deps.redis, deps.settings);

  // Every route is a contract (node/core/route-contract.ts): validated input, and described by
  // GET /api/v1/openapi.json from the same objects.
  const publicRoutes: RouteShape[] = [
    ...healthRoutes(deps),
    ...wellKnownRoutes(deps.identity),
    ...enrollmentPublicRoutes(deps.federation),
    ...syncPublicRoutes(deps.federation, deps.applier),
    ...policyPublicRoutes(deps.federation),
    ...auditPublicRoutes(deps.federation, deps.auditHost),
  ];
  const apiRoutes: RouteShape[] = [
    ...catalogRoutes(),
    ...notifyRoutes({ notifications: deps.notifications, destinations: webhookDestinations(deps.settings), now: deps.now }),
    ...caseRoutes(deps),
    ...alertRoutes({ nodeCode: deps.settings.nodeCode, rules: deps.rules, notifier: deps.notifier, sweepNow: (at) => deps.sweeps.runNow(at), previewSweep: (at) => deps.sweeps.preview(at), now: deps.now }),
    ...calendarRoutes(deps.rules, deps.policyIssuer),
    ...policyRoutes(deps.rules, deps.policyIssuer),
    ...importRoutes({ queue: deps.imports, limitBytes: deps.settings.importLimitBytes, now: deps.now }),
    ...keyAdminRoutes(deps.identity, deps.settings.nodeCode, deps.now, deps.federation),
    ...enrollmentAdminRoutes(deps.federation),
    ...syncAdminRoutes(deps.federation, deps.sync),
    ...rollupRoutes({ sql: deps.federation.sql, self: deps.federation.self }),
    ...auditAdminRoutes(deps.federation, deps.audits, keysetPage),
    ...authRoutes({ tokens, settings: deps.settings, throttle, now: deps.now }),
    ...userRoutes({ throttle, now: deps.now }),
    ...clientRoutes({ now: deps.now }),
    ...auditTrailRoutes({ sql: poolRunner(deps.orm) }),
  ];
  apiRoutes.push(...openApiRoutes({ public: publicRoutes, api: apiRoutes, apiPrefix: API_PREFIX, title: deps.settings.nodeName, permissionOf: permissionName }));
  // The OAuth token endpoint takes a form body too (RFC 6749): the contracts say which routes.
  const formPaths = apiRoutes.filter((route) => route.body === 'jsonOrForm').map((route) => API_PREFIX + route.path);

  app.use(secretScope());
  app.use(requestContext(deps.orm, deps.logger, deps.metrics));
  app.use(errorRenderer());
  app.use(securityHeaders({ https: deps.settings.publicUrl?.startsWith('https:') ?? false }));
  app.use(urlText());
  app.use(rateLimit({ redis: deps.redis, keyPrefix: deps.settings.queuePrefix, loginPerMinute: deps.settings.rateLimitLoginPerMinute, publicPerMinute: deps.settings.rateLimitPublicPerMinute }));
  // After the rate limits: a flood is refused before it costs this read.
  app.use(sharedState({ rules: deps.rules, identity: deps.identity }));
  app.use(formBody({ paths: formPaths, limitBytes: deps.settings.jsonLimitBytes }));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.settings.jsonLimitBytes, encoding: 'utf-8' }));
  app.use(jsonBodyLimits(deps.settings.jsonMaxDepth));
  app.use(rememberBodySecrets());

  // Authentication runs before routing, so an unknown /api path without a token answers 401, not
  // 404, and nobody can probe which routes exist.
  app.use(authenticate({ adminToken: deps.settings.adminToken, tokens, now: deps.now }));
  // A write runs in one transaction with its audit entry; every change by an authenticated caller
  // (or a sign-in attempt) leaves an entry, refused ones too.
  app.use(writeTransaction({ orm: deps.orm, audit: requestAudit({ db: auditDatabaseOf(deps.orm), now: deps.now }) }));

  const publicRouter = guardRoutes(routerOf(publicRoutes));
  app.use(publicRouter.routes()).use(publicRouter.allowedMethods());
  app.use(requireJsonWrites(formPaths));

  const api = guardRoutes(routerOf(apiRoutes, API_PREFIX));
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}

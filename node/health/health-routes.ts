/**
 * `GET /health` (public: load balancers and the parent probe it) and `GET /metrics` (behind the
 * bearer token; Prometheus sends it with `authorization` in its scrape config).
 */
import type { Redis } from 'ioredis';
import type { Settings } from '../config/settings.ts';
import { localDayOf, dayFromIso, firstDayOfYear, isoFromDay, yearOf } from '../calendar/local-date.ts';
import { defineRoute, type RouteShape } from '../core/route-contract.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import type { NodeMetrics } from './metrics.ts';
import { openReach } from './health-store.ts';

export interface HealthDeps {
  settings: Settings;
  rules: TimeRules;
  redis: Redis;
  metrics: NodeMetrics;
  /** Whether the node's database role cannot rewrite the audit trail (node/db/runtime-role.ts). */
  auditTrail: { appendOnlyByRole: boolean };
  now: () => Date;
}

async function probe<T>(check: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await check() };
  } catch (error) {
    return { ok: false, error: (error as Error).message.slice(0, 200) };
  }
}

const REDIS_PROBE_MS = 1000;

/**
 * The years /health checks for a calendar: this one and the nine after it. An open case's timeline
 * may reach further (a long limit, a sender's bad date), but the answer stays this small and cheap
 * whatever the tables hold; one warning names the year such a timeline reaches.
 */
const CHECKED_YEARS = 10;

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes(deps: HealthDeps): RouteShape[] {
  const health = defineRoute({
    method: 'GET', path: '/health', summary: '健康检查 (health: database, Redis, calendars, audit-trail protection)',
    response: { description: '200 ok or degraded; 503 down' },
    handler: async (ctx) => {
      const today = localDayOf(deps.now());
      // Years the node judges by now: this one, and every year an open case's timeline reaches, up to CHECKED_YEARS.
      const lastChecked = yearOf(today) + CHECKED_YEARS - 1;
      const database = await probe(() => openReach(ctx.state.em, isoFromDay(today), isoFromDay(firstDayOfYear(lastChecked + 1) - 1)));
      // The node's connection queues commands while Redis is away (BullMQ needs that): a probe must not wait with them.
      const redis = await probe(() => withTimeout(deps.redis.ping(), REDIS_PROBE_MS, `Redis did not answer within ${REDIS_PROBE_MS} ms`));
      const calendar = deps.rules.current.calendar;
      const reach = database.ok ? database.value : { lastDay: null, beyondYear: null };
      const lastDay = reach.lastDay === null ? today : dayFromIso(reach.lastDay);
      const missing = calendar.fallbackYears(today, lastDay);
      const warnings = missing.map((year) => `${year} 年节假日安排未加载, 按周一至周五计算工作日 (no calendar for ${year}: Monday-Friday fallback)`);
      if (reach.beyondYear !== null) warnings.push(`有未结办件的时限延伸到 ${reach.beyondYear} 年, 超出本检查的 ${lastChecked} 年 (an open case's timeline reaches into ${reach.beyondYear}, past ${lastChecked}, the last year checked)`);
      if (!deps.auditTrail.appendOnlyByRole) warnings.push('审计日志仅靠触发器保护, 节点的数据库角色可以改写它 (the node\'s database role can rewrite the audit trail: set DATABASE_OWNER_URL)');
      const healthy = database.ok && redis.ok;
      ctx.status = healthy ? 200 : 503;
      ctx.body = {
        status: healthy ? (warnings.length > 0 ? 'degraded' : 'ok') : 'down',
        node: { code: deps.settings.nodeCode, level: deps.settings.nodeLevel, name: deps.settings.nodeName },
        // Which part of the node answered (NODE_PROCESS): web, worker or all.
        process: deps.settings.nodeProcess,
        database: database.ok ? { ok: true } : { ok: false, error: database.error },
        redis: redis.ok ? { ok: true } : { ok: false, error: redis.error },
        calendar: { years: calendar.years(), currentYear: yearOf(today), missingYears: missing },
        auditTrail: deps.auditTrail,
        warnings,
      };
    },
  });

  const metrics = defineRoute({
    method: 'GET', path: '/metrics', summary: 'Prometheus 指标 (Prometheus metrics)', response: { contentType: 'text/plain' },
    handler: async (ctx) => {
        ctx.type = deps.metrics.registry.contentType;
        ctx.body = await deps.metrics.registry.metrics();
      },
    });

    return [health, metrics];
  }

/**
 * Re-supervision over HTTP. Public: `POST /federation/v1/audits` (the signatures are the
 * credential). Admin (behind the API's authentication): `POST /api/v1/children/{code}/audits`
 * starts an audit (202 and its id; `?wait=true` answers the finished audit), `GET
 * /api/v1/children/{code}/audits/{id}` shows it with every finding, `GET
 * /api/v1/children/{code}/audits` lists the latest ones.
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { answerAuditRequest } from '../audit/audit-answer.ts';
import { resolveAuditRoute } from '../audit/audit-run.ts';
import { findAudit, insertAudit, listAudits, type AuditView } from '../audit/audit-store.ts';
import type { AuditHost } from '../audit/audit-types.ts';
import { invalidParameter } from '../rollups/rollup-routes.ts';

/** Starts audits in the background (the node's job queue). */
export interface AuditTrigger {
  /** Queues audit `id`; with `wait`, resolves once it finished (done or failed). */
  start(id: string, wait: boolean): Promise<void>;
}

/** The longest range one audit may cover. */
const MAX_RANGE_DAYS = 366;
const DEFAULT_PAGE_SIZE = 200;

export function auditPublicRouter(context: FederationContext, host: AuditHost): Router {
  const router = new Router();
  router.post('/federation/v1/audits', async (ctx) => {
    context.validate('federation/audit-exchange.schema.json', ctx.request.body);
    ctx.body = await answerAuditRequest(context, host, ctx.request.body as { request: string });
  });
  return router;
}

function nodeCodeParam(raw: string | undefined): string {
  if (!raw || !/^\d{6}$/.test(raw)) throw invalidParameter('code', 'must be a 6-digit administrative division code');
  return raw;
}

const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

export function auditAdminRouter(context: FederationContext, trigger: AuditTrigger): Router {
  const router = new Router();

  router.post('/children/:code/audits', async (ctx) => {
    const code = nodeCodeParam(ctx.params.code);
    context.validate('federation/audit-create.schema.json', ctx.request.body);
    const body = ctx.request.body as { from: string; to: string; departmentCode?: string; requestedBy?: string; pageSize?: number };
    const days = (dayMs(body.to) - dayMs(body.from)) / 86_400_000;
    if (days < 0) throw new FederationError('VALIDATION_FAILED', 'to 不能早于 from (to is before from)', { field: '/to', problem: 'must not be before from' });
    if (days >= MAX_RANGE_DAYS) throw new FederationError('VALIDATION_FAILED', `一次最多再监察 ${MAX_RANGE_DAYS} 天`, { field: '/to', problem: `at most ${MAX_RANGE_DAYS} days from from` });
    // Refuse now what the run would refuse anyway: unknown node, nothing witnessed, no route.
    await resolveAuditRoute(context, code);
    const now = context.now();
    const id = randomUUID();
    await insertAudit(context.sql, {
      id, nodeCode: code, requestedBy: body.requestedBy ?? 'admin', from: body.from, to: body.to, departmentCode: body.departmentCode ?? null,
      pageSize: body.pageSize ?? DEFAULT_PAGE_SIZE, at: now, createdAt: now,
    });
    const wait = ctx.query.wait === 'true';
    try {
      await trigger.start(id, wait);
    } catch (error) {
      // The audit is stored; the node queues unfinished audits again when it starts.
      context.log.error({ err: error, audit: id }, 'could not queue audit');
      if (wait) throw error;
    }
    ctx.set('Location', `/api/v1/children/${code}/audits/${id}`);
    if (wait) {
      ctx.body = await findAudit(context.sql, code, id);
      return;
    }
    ctx.status = 202;
    ctx.body = { id, node: code, status: 'queued' };
  });

  router.get('/children/:code/audits/:id', async (ctx) => {
    const code = nodeCodeParam(ctx.params.code);
    const id = ctx.params.id ?? '';
    const audit: AuditView | null = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? await findAudit(context.sql, code, id) : null;
    if (!audit) throw new FederationError('NOT_FOUND', `没有节点 ${code} 的再监察 ${id} (no such audit)`, { node: code, audit: id });
    ctx.body = audit;
  });

  router.get('/children/:code/audits', async (ctx) => {
    const code = nodeCodeParam(ctx.params.code);
    const raw = ctx.query.limit;
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidParameter('limit', 'must be an integer from 1 to 500');
    ctx.body = { items: await listAudits(context.sql, code, limit), nextCursor: null };
  });

  return router;
}

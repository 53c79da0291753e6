/**
 * Re-supervision over HTTP. Public: `POST /federation/v1/audits` (the signatures are the
 * credential). Admin (behind the API's authentication): `POST /api/v1/children/{code}/audits`
 * starts an audit (202 and its id; `?wait=true` answers the finished audit), `GET
 * /api/v1/children/{code}/audits/{id}` shows it with every finding, `GET
 * /api/v1/children/{code}/audits` lists the latest ones.
 */
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { answerAuditRequest } from '../audit/audit-answer.ts';
import { resolveAuditRoute } from '../audit/audit-run.ts';
import { auditListKey, countAudits, findAudit, insertAudit, isAuditId, listAudits } from '../audit/audit-store.ts';
import type { AuditHost } from '../audit/audit-types.ts';
import { federationBody, federationRoute, type AnyFederationRoute, type KeysetPager } from './route-contract.ts';

/** Starts audits in the background (the node's job queue). */
export interface AuditTrigger {
  /** Queues audit `id`; with `wait`, resolves once it finished (done or failed). */
  start(id: string, wait: boolean): Promise<void>;
}

/** The longest range one audit may cover. */
const MAX_RANGE_DAYS = 366;
const DEFAULT_PAGE_SIZE = 200;

interface AuditCreate {
  from: string;
  to: string;
  departmentCode?: string;
  requestedBy?: string;
  pageSize?: number;
}

export function auditPublicRoutes(context: FederationContext, host: AuditHost): AnyFederationRoute[] {
  return [federationRoute({
    method: 'POST', path: '/federation/v1/audits', summary: '上级节点的再监察请求 (the parent\'s signed audit request; answered with a signed response)',
    body: federationBody<{ request: string }>('federation/audit-exchange.schema.json'),
    handler: async (ctx) => {
      ctx.body = await answerAuditRequest(context, host, ctx.input.body);
    },
  })];
}

const ChildParams = Type.Object({ code: Type.String({ pattern: '^\\d{6}$', description: '下级节点行政区划代码 (the audited node\'s division code)' }) });
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** `page`: the node's one keyset pagination (limit + 1, opaque cursor, `?count=true`). */
export function auditAdminRoutes(context: FederationContext, trigger: AuditTrigger, page: KeysetPager): AnyFederationRoute[] {
  const start = federationRoute({
    method: 'POST', path: '/children/:code/audits', summary: '对下级节点发起再监察 (start an audit of a descendant; `wait=true` answers the finished audit)',
    params: ChildParams, query: Type.Object({ wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    body: federationBody<AuditCreate>('federation/audit-create.schema.json'), response: { status: 202, description: '200 with the finished audit when wait=true' },
    handler: async (ctx) => {
      const { code } = ctx.input.params;
      const body = ctx.input.body;
      const days = (dayMs(body.to) - dayMs(body.from)) / 86_400_000;
      if (days < 0) throw new FederationError('VALIDATION_FAILED', 'to 不能早于 from (to is before from)', { field: '/to', problem: '不得早于 from (must not be before from)' });
      if (days >= MAX_RANGE_DAYS) throw new FederationError('VALIDATION_FAILED', `一次最多再监察 ${MAX_RANGE_DAYS} 天 (at most ${MAX_RANGE_DAYS} days per audit)`, { field: '/to', problem: `距 from 至多 ${MAX_RANGE_DAYS} 天 (at most ${MAX_RANGE_DAYS} days from from)` });
      // Refuse now what the run would refuse anyway: unknown node, nothing witnessed, no route.
      await resolveAuditRoute(context, code);
      const now = context.now();
      const id = randomUUID();
      // Stored with the request's audit entry; queued (and, with ?wait=true, awaited) once both committed.
      await context.transaction((sql) => insertAudit(sql, {
        id, nodeCode: code, requestedBy: body.requestedBy ?? 'admin', from: body.from, to: body.to, departmentCode: body.departmentCode ?? null,
        pageSize: body.pageSize ?? DEFAULT_PAGE_SIZE, at: now, createdAt: now,
      }));
      const wait = ctx.input.query.wait === true;
      ctx.set('Location', `/api/v1/children/${code}/audits/${id}`);
      ctx.status = wait ? 200 : 202;
      ctx.body = { id, node: code, status: 'queued' };
      await context.afterCommit(async () => {
        try {
          await trigger.start(id, wait);
        } catch (error) {
          // The audit is stored; the node queues unfinished audits again when it starts.
          context.log.error({ err: error, audit: id }, 'could not queue audit');
        }
        // With ?wait=true: the audit as it stands once the run ended (or waiting gave up).
        if (wait) ctx.body = await findAudit(context.sql, code, id);
      });
    },
  });

  const one = federationRoute({
    method: 'GET', path: '/children/:code/audits/:id', summary: '一次再监察及其全部发现 (one audit with every finding)',
    // Any id is looked up: one that is not an audit id is simply not found.
    params: Type.Object({ code: ChildParams.properties.code, id: Type.String({ minLength: 1, maxLength: 200 }) }),
    handler: async (ctx) => {
      const { code, id } = ctx.input.params;
      const audit = isAuditId(id) ? await findAudit(context.sql, code, id) : null;
      if (!audit) throw new FederationError('NOT_FOUND', `没有节点 ${code} 的再监察 ${id} (no such audit)`, { node: code, audit: id });
      ctx.body = audit;
    },
  });

  const list = federationRoute({
    method: 'GET', path: '/children/:code/audits', summary: '最近的再监察 (the latest audits of a node)',
    params: ChildParams,
    query: Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
      cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
      count: Type.Optional(Type.Boolean()),
    }, { additionalProperties: false }),
    handler: async (ctx) => {
      const { code } = ctx.input.params;
      ctx.body = await page(ctx.input.query, {
        parseKey: auditListKey,
        rows: (after, take) => listAudits(context.sql, code, after, take),
        keyOf: (row) => `${row.key.createdAt}|${row.key.id}`,
        count: () => countAudits(context.sql, code),
      }, (row) => row.view);
    },
  });

  return [start, one, list];
}

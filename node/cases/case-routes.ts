/** `/api/v1/events`, `/api/v1/cases`, `/api/v1/board`, `/api/v1/rejections`: route contracts. */
import Type from 'typebox';
import { AppError, EVENT_REJECTIONS } from '../core/errors.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, positiveIdKey, textKey } from '../core/pagination.ts';
import { AtQuery, CaseNo, Code, atOrNow } from '../core/schema-types.ts';
import { accessIn, showIdNumbers } from '../access/access-scope.ts';
import type { NodeMetrics } from '../health/metrics.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { CASE_STATUSES } from '../timelimits/case-facts.ts';
import { ingestEvents } from './ingest.ts';
import type { OccurredAtLimits } from './occurred-at-window.ts';
import { boardAt, caseVerdict, countVerdicts, listVerdicts, type CaseFilter } from './case-verdicts.ts';
import type { EventLogSequencer } from './event-log-source.ts';
import { countRejections, listRejections, type RejectionFilter } from './rejection-store.ts';

const LIGHTS = ['green', 'yellow', 'red', 'paused'] as const;

export interface CaseRouteDeps {
  rules: TimeRules;
  /** The occurredAt window an event must fall in (OCCURRED_AT_EARLIEST, OCCURRED_AT_MAX_AHEAD_HOURS). */
  settings: OccurredAtLimits;
  metrics: NodeMetrics;
  sequencer: EventLogSequencer;
  now: () => Date;
  /** Sweeps the cases an ingested batch touched (queued; never holds up the answer). */
  afterIngest?: (caseNos: string[]) => void;
}

export function caseRoutes(deps: CaseRouteDeps): RouteShape[] {
  const events = defineRoute({
    method: 'POST', path: '/events', summary: '报送办件事件 (report case events; each is accepted or refused on its own)',
    body: publishedBody<{ events: unknown[] }>('events-request.schema.json'),
    response: { description: 'accepted, duplicates, rejected and the refusal of each refused event', schema: publishedBody('events-response.schema.json') },
    handler: async (ctx) => {
      const { principal, departments } = accessIn(ctx.state);
      const summary = await ingestEvents(ctx.state.em, deps.rules, ctx.input.body.events, {
        // A department system's events carry its client id as their source, so its rejections are its own to read.
        source: principal.kind === 'client' ? `client:${principal.id}` : 'api',
        receivedAt: deps.now(), fieldPrefix: (index) => `/events/${index}`, departments, occurredAtLimits: deps.settings,
      });
      ctx.state.audit = { details: { accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected } };
      const { touchedCases, ...answer } = summary;
      // Counted, logged and swept once the batch is committed with its audit entry, never before.
      ctx.state.afterCommit(() => {
        deps.metrics.eventsIngested.inc({ status: 'accepted' }, summary.accepted);
        deps.metrics.eventsIngested.inc({ status: 'duplicate' }, summary.duplicates);
        deps.metrics.eventsIngested.inc({ status: 'rejected' }, summary.rejected);
        if (summary.accepted > 0) deps.sequencer.kick();
        if (touchedCases.length > 0) deps.afterIngest?.(touchedCases);
      });
      ctx.body = answer;
    },
  });

  const oneCase = defineRoute({
    method: 'GET', path: '/cases/:caseNo', summary: '一件办件的判定与事件 (one case: its verdict at `at` and its events)',
    params: Type.Object({ caseNo: CaseNo() }),
    query: Type.Object(AtQuery, { additionalProperties: false }),
    handler: async (ctx) => {
      const { caseNo } = ctx.input.params;
      const access = accessIn(ctx.state);
      const verdict = await caseVerdict(ctx.state.em, deps.rules.current, caseNo, atOrNow(ctx.input.query.at, deps.now), access.departments);
      if (!verdict) throw new AppError('NOT_FOUND', { caseNo });
      ctx.body = showIdNumbers(verdict, access);
    },
  });

  const cases = defineRoute({
    method: 'GET', path: '/cases', summary: '办件判定列表, 按办件编号 (verdicts of cases, by case number, in keyset pages)',
    query: listQuery({
      ...AtQuery,
      light: Type.Optional(Type.Enum([...LIGHTS])),
      status: Type.Optional(Type.Enum([...CASE_STATUSES])),
      departmentCode: Type.Optional(Code()),
      itemCode: Type.Optional(Code()),
    }),
    handler: async (ctx) => {
      const { query } = ctx.input;
      const filter: CaseFilter = {
        light: query.light ?? null, status: query.status ?? null, departmentCode: query.departmentCode ?? null, itemCode: query.itemCode ?? null,
        departments: accessIn(ctx.state).departments,
      };
      const at = atOrNow(query.at, deps.now);
      ctx.body = await keysetPage(query, {
        parseKey: textKey,
        rows: async (after, take) => (await listVerdicts(ctx.state.em, deps.rules.current, filter, at, take, after)).items,
        keyOf: (verdict) => verdict.caseNo,
        count: () => countVerdicts(ctx.state.em, deps.rules.current, filter, at),
      }, (verdict) => verdict);
    },
  });

  const board = defineRoute({
    method: 'GET', path: '/board', summary: '红黄绿灯看板 (counts by light and card, per department, at `at`)',
    query: Type.Object(AtQuery, { additionalProperties: false }),
    handler: async (ctx) => {
      ctx.body = await boardAt(ctx.state.em, deps.rules.current, atOrNow(ctx.input.query.at, deps.now), accessIn(ctx.state).departments);
    },
  });

  const rejections = defineRoute({
    method: 'GET', path: '/rejections', summary: '被拒事件, 最新在前 (refused events, newest first)',
    query: listQuery({
      code: Type.Optional(Type.Enum(Object.keys(EVENT_REJECTIONS))),
      state: Type.Optional(Type.Enum(['open', 'resolved'])),
      source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    }),
    handler: async (ctx) => {
      const { query } = ctx.input;
      const access = accessIn(ctx.state);
      // A department system reads the refusals of what it sent; department staff those of their departments' cases.
      const ownSource = access.principal.kind === 'client' ? `client:${access.principal.id}` : null;
      const filter: RejectionFilter = {
        code: query.code ?? null, state: (query.state as RejectionFilter['state']) ?? null, source: query.source ?? null,
        ownSource, departments: ownSource === null ? access.departments : null,
      };
      const page = await keysetPage(query, {
        parseKey: positiveIdKey,
        rows: (before, take) => listRejections(ctx.state.em, filter, before, take),
        keyOf: (row) => row.id,
        count: () => countRejections(ctx.state.em, filter),
      }, (row) => row);
      ctx.body = { ...page, items: showIdNumbers(page.items, access) };
    },
  });

  return [events, oneCase, cases, board, rejections];
}

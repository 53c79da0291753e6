/** `/api/v1/events`, `/api/v1/cases`, `/api/v1/board`, `/api/v1/rejections`. */
import Router from '@koa/router';
import { AppError } from '../core/errors.ts';
import { accessIn, showIdNumbers } from '../access/access-scope.ts';
import { assertSchema } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseAt, parseCode, parseEnum, parseLimit } from '../http/query-params.ts';
import type { RequestState } from '../http/state.ts';
import { query } from '../db/sql.ts';
import type { NodeMetrics } from '../health/metrics.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { CASE_STATUSES } from '../timelimits/case-facts.ts';
import { ingestEvents } from './ingest.ts';
import { boardAt, caseVerdict, listVerdicts } from './case-verdicts.ts';
import { EVENT_REJECTIONS } from './event-rejection.ts';
import { isoSql } from './case-store.ts';
import type { EventLogSequencer } from './event-log-source.ts';

const LIGHTS = ['green', 'yellow', 'red', 'paused'] as const;

export interface CaseRouteDeps {
  rules: TimeRules;
  metrics: NodeMetrics;
  sequencer: EventLogSequencer;
  now: () => Date;
  /** Sweeps the cases an ingested batch touched (queued; never holds up the answer). */
  afterIngest?: (caseNos: string[]) => void;
}

export function caseRouter(deps: CaseRouteDeps): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/events', async (ctx) => {
    assertSchema('events-request.schema.json', ctx.request.body);
    const { events } = ctx.request.body as { events: unknown[] };
    const { principal, departments } = accessIn(ctx.state);
    const summary = await ingestEvents(ctx.state.em, deps.rules, events, {
      // A department system's events carry its client id as their source, so its rejections are its own to read.
      source: principal.kind === 'client' ? `client:${principal.id}` : 'api',
      receivedAt: deps.now(), fieldPrefix: (index) => `/events/${index}`, departments,
    });
    ctx.state.audit = { details: { accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected } };
    deps.metrics.eventsIngested.inc({ status: 'accepted' }, summary.accepted);
    deps.metrics.eventsIngested.inc({ status: 'duplicate' }, summary.duplicates);
    deps.metrics.eventsIngested.inc({ status: 'rejected' }, summary.rejected);
    if (summary.accepted > 0) deps.sequencer.kick();
    const { touchedCases, ...answer } = summary;
    if (touchedCases.length > 0) deps.afterIngest?.(touchedCases);
    ctx.body = answer;
  });

  router.get('/cases/:caseNo', async (ctx) => {
    const caseNo = ctx.params.caseNo ?? '';
    if (!/^[\x21-\x7e]{1,50}$/.test(caseNo)) throw new AppError('INVALID_PARAMETER', { field: 'caseNo', problem: 'must be 1-50 printable ASCII characters' });
    const access = accessIn(ctx.state);
    const verdict = await caseVerdict(ctx.state.em, deps.rules.current, caseNo, parseAt(ctx.query.at, deps.now), access.departments);
    if (!verdict) throw new AppError('NOT_FOUND', { caseNo });
    ctx.body = showIdNumbers(verdict, access);
  });

  router.get('/cases', async (ctx) => {
    const filter = {
      light: parseEnum(ctx.query.light, 'light', LIGHTS),
      status: parseEnum(ctx.query.status, 'status', CASE_STATUSES),
      departmentCode: parseCode(ctx.query.departmentCode, 'departmentCode'),
      itemCode: parseCode(ctx.query.itemCode, 'itemCode'),
      departments: accessIn(ctx.state).departments,
    };
    const at = parseAt(ctx.query.at, deps.now);
    const page = await listVerdicts(ctx.state.em, deps.rules.current, filter, at, parseLimit(ctx.query.limit), decodeCursor(ctx.query.cursor));
    ctx.body = { items: page.items, nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor) };
  });

  router.get('/board', async (ctx) => {
    ctx.body = await boardAt(ctx.state.em, deps.rules.current, parseAt(ctx.query.at, deps.now), accessIn(ctx.state).departments);
  });

  router.get('/rejections', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const cursor = decodeCursor(ctx.query.cursor);
    const code = parseEnum(ctx.query.code, 'code', Object.keys(EVENT_REJECTIONS) as (keyof typeof EVENT_REJECTIONS)[]);
    const state = parseEnum(ctx.query.state, 'state', ['open', 'resolved'] as const);
    const source = ctx.query.source === undefined ? null : String(ctx.query.source);
    // Newest first: the cursor is the last id seen.
    if (cursor !== null && !Number.isSafeInteger(Number(cursor))) throw new AppError('INVALID_PARAMETER', { field: 'cursor' });
    const access = accessIn(ctx.state);
    // A department system reads the refusals of what it sent; department staff those of their departments' cases.
    const ownSource = access.principal.kind === 'client' ? `client:${access.principal.id}` : null;
    const departments = ownSource === null ? access.departments : null;
    const params: unknown[] = [cursor === null ? null : Number(cursor), code, source, ownSource, departments];
    const rows = await query<Record<string, unknown> & { id: string }>(ctx.state.em, `SELECT id::text, event_id AS "eventId", case_no AS "caseNo",
        code, message, details, payload, source, line, ${isoSql('received_at')} AS "receivedAt", ${isoSql('resolved_at')} AS "resolvedAt"
      FROM rejections
      WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR code = $2) AND ($3::text IS NULL OR source = $3)
        AND ($4::text IS NULL OR source = $4)
        AND ($5::text[] IS NULL OR payload->>'departmentCode' = ANY($5::text[])
          OR case_no IN (SELECT case_no FROM cases WHERE department_code = ANY($5::text[])))
        ${state === 'open' ? 'AND resolved_at IS NULL' : state === 'resolved' ? 'AND resolved_at IS NOT NULL' : ''}
      ORDER BY id DESC LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit);
    ctx.body = { items: showIdNumbers(page, access), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null };
  });

  return router;
}

/**
 * `/api/v1/alerts`: the list and one alert with its history, the workflow actions, accountability,
 * an on-demand sweep, and `/api/v1/rules` (the rule catalog).
 */
import Router from '@koa/router';
import { AppError } from '../core/errors.ts';
import { accessIn } from '../access/access-scope.ts';
import { assertSchema, noBody } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseAt, parseCode, parseEnum, parseLimit } from '../http/query-params.ts';
import type { RequestState } from '../http/state.ts';
import { Alert } from './alert.entity.ts';
import { AlertTransition } from './alert-transition.entity.ts';
import { Accountability } from './accountability.entity.ts';
import { ALERT_ACTIONS, ALERT_STATUSES, type AlertAction } from './alert-workflow.ts';
import { applyAlertAction, recordAccountability, type AccountabilityInput, type ActionDeps, type ActionInput } from './alert-actions.ts';
import { presentAccountability, presentAlert, presentTransition } from './alert-presenters.ts';
import { RULES } from './rules/rule-catalog.ts';
import { RULE_CODES } from './rules/rule-types.ts';
import type { SweepResult } from './sweep.ts';

export interface AlertRouteDeps extends ActionDeps {
  /** Runs a sweep at `at` now, in the request. */
  sweepNow(at: Date): Promise<SweepResult>;
  now: () => Date;
}

function alertId(raw: string | undefined): number {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw ?? '') || !Number.isSafeInteger(id) || id < 1) throw new AppError('INVALID_PARAMETER', { field: 'id', problem: 'must be an alert id' });
  return id;
}

/**
 * The alert named in the path, if the caller may see it: a department sees and answers only its
 * own departments' alerts, and any other alert is "not found" to it (its existence is not told).
 */
async function visibleAlertId(state: RequestState, raw: string | undefined): Promise<number> {
  const id = alertId(raw);
  const { departments } = accessIn(state);
  const where = departments === null ? { id } : { id, departmentCode: { $in: [...departments] } };
  if ((await state.em.count(Alert, where)) === 0) throw new AppError('NOT_FOUND', { alertId: id });
  return id;
}

export function alertRouter(deps: AlertRouteDeps): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/rules', (ctx) => {
    ctx.body = { items: RULES };
  });

  router.get('/alerts', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const cursor = decodeCursor(ctx.query.cursor);
    if (cursor !== null && !/^\d{1,15}$/.test(cursor)) throw new AppError('INVALID_PARAMETER', { field: 'cursor' });
    const status = parseEnum(ctx.query.status, 'status', ALERT_STATUSES);
    const rule = parseEnum(ctx.query.rule, 'rule', RULE_CODES);
    const departmentCode = parseCode(ctx.query.departmentCode, 'departmentCode');
    const caseNo = ctx.query.caseNo === undefined || ctx.query.caseNo === '' ? null : String(ctx.query.caseNo);
    if (caseNo !== null && !/^[\x21-\x7e]{1,50}$/.test(caseNo)) throw new AppError('INVALID_PARAMETER', { field: 'caseNo', problem: 'must be 1-50 printable ASCII characters' });
    // Newest first; the cursor is the last id seen.
    const where: Record<string, unknown> = {};
    if (status) where.status = status;
    if (rule) where.rule = rule;
    const { departments } = accessIn(ctx.state);
    if (departmentCode) where.departmentCode = departments === null || departments.includes(departmentCode) ? departmentCode : { $in: [] };
    else if (departments !== null) where.departmentCode = { $in: [...departments] };
    if (caseNo) where.caseNo = caseNo;
    if (cursor !== null) where.id = { $lt: Number(cursor) };
    const rows = await ctx.state.em.find(Alert, where, { orderBy: { id: 'desc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentAlert), nextCursor: rows.length > limit ? encodeCursor(String(page.at(-1)!.id)) : null };
  });

  router.post('/alerts/sweep', noBody, async (ctx) => {
    ctx.body = await deps.sweepNow(parseAt(ctx.query.at, deps.now));
  });

  router.get('/alerts/:id', async (ctx) => {
    const id = await visibleAlertId(ctx.state, ctx.params.id);
    const alert = await ctx.state.em.findOneOrFail(Alert, { id });
    const transitions = await ctx.state.em.find(AlertTransition, { alertId: id }, { orderBy: { id: 'asc' } });
    const accountability = await ctx.state.em.find(Accountability, { alertId: id }, { orderBy: { id: 'asc' } });
    ctx.body = { ...presentAlert(alert), transitions: transitions.map(presentTransition), accountability: accountability.map(presentAccountability) };
  });

  router.post('/alerts/:id/accountability', async (ctx) => {
    const id = await visibleAlertId(ctx.state, ctx.params.id);
    assertSchema('alerts/accountability.schema.json', ctx.request.body);
    const record = await recordAccountability(ctx.state.em, id, ctx.request.body as AccountabilityInput, actorOf(ctx.state), parseAt(ctx.query.at, deps.now));
    ctx.status = 201;
    ctx.body = presentAccountability(record);
  });

  router.post('/alerts/:id/:action', async (ctx) => {
    const id = await visibleAlertId(ctx.state, ctx.params.id);
    const action = ctx.params.action as AlertAction;
    if (!ALERT_ACTIONS.includes(action)) throw new AppError('NOT_FOUND', { action: ctx.params.action, actions: ALERT_ACTIONS });
    assertSchema(action === 'explain' ? 'alerts/explanation.schema.json' : 'alerts/action.schema.json', ctx.request.body ?? {});
    const input = (ctx.request.body ?? {}) as ActionInput;
    if (input.demand !== undefined && action !== 'notify') throw new AppError('VALIDATION_FAILED', { field: '/demand', problem: 'only for notify' });
    const alert = await applyAlertAction(ctx.state.em, deps, id, action, input, actorOf(ctx.state), parseAt(ctx.query.at, deps.now));
    ctx.body = presentAlert(alert);
  });

  return router;
}

function actorOf(state: RequestState) {
  return { id: state.actor ?? 'unknown', requestId: state.requestId };
}

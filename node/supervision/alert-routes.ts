/**
 * `/api/v1/alerts`: the list and one alert with its history, the workflow actions, accountability,
 * an on-demand sweep, and `/api/v1/rules` (the rule catalog): route contracts.
 */
import Type from 'typebox';
import { AppError } from '../core/errors.ts';
import { defineRoute, publishedBody, selectedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, positiveIdKey } from '../core/pagination.ts';
import { CaseNo, Code, Instant, PositiveId, atOrNow } from '../core/schema-types.ts';
import { accessIn } from '../access/access-scope.ts';
import type { RequestState } from '../http/state.ts';
import { ALERT_ACTIONS, ALERT_STATUSES, type AlertAction } from './alert-workflow.ts';
import { applyAlertAction, recordAccountability, type AccountabilityInput, type ActionDeps, type ActionInput } from './alert-actions.ts';
import { presentAccountability, presentAlert, presentTransition } from './alert-presenters.ts';
import { alertWithHistory, countAlerts, isVisibleAlert, listAlerts, type AlertFilter } from './alert-store.ts';
import { RULES } from './rules/rule-catalog.ts';
import { RULE_CODES } from './rules/rule-types.ts';
import type { SweepResult } from './sweep.ts';
import { ALERT_COUNT_GROUPS, countAlerts as countAlertGroups } from './alert-counts.ts';

export interface AlertRouteDeps extends ActionDeps {
  /** Runs a sweep at `at` now, in the request. */
  sweepNow(at: Date): Promise<SweepResult>;
  /** What a sweep at `at` would do, written nowhere (rolled back). */
  previewSweep(at: Date): Promise<SweepResult>;
  /** The node's clock: the instant of every write. */
  now: () => Date;
}

const AlertParams = Type.Object({ id: PositiveId('预警编号 (alert id)') });

/** The alert named in the path, if the caller may see it; else NOT_FOUND. */
async function visibleAlertId(state: RequestState, id: number): Promise<number> {
  if (!(await isVisibleAlert(state.em, id, accessIn(state).departments))) throw new AppError('NOT_FOUND', { alertId: id });
  return id;
}

function actorOf(state: RequestState) {
  return { id: state.actor ?? 'unknown', requestId: state.requestId };
}

export function alertRoutes(deps: AlertRouteDeps): RouteShape[] {
  const rules = defineRoute({
    method: 'GET', path: '/rules', summary: '监察规则目录 (the supervision rule catalog)',
    handler: (ctx) => {
      ctx.body = { items: RULES };
    },
  });

  const alerts = defineRoute({
    method: 'GET', path: '/alerts', summary: '预警列表, 最新在前 (alerts, newest first)',
    query: listQuery({
      status: Type.Optional(Type.Enum([...ALERT_STATUSES])),
      rule: Type.Optional(Type.Enum([...RULE_CODES])),
      departmentCode: Type.Optional(Code()),
      caseNo: Type.Optional(CaseNo()),
    }),
    handler: async (ctx) => {
      const { query } = ctx.input;
      const filter: AlertFilter = { ...query, departments: accessIn(ctx.state).departments };
      ctx.body = await keysetPage(query, {
        parseKey: positiveIdKey,
        rows: (before, take) => listAlerts(ctx.state.em, filter, before, take),
        keyOf: (alert) => String(alert.id),
        count: () => countAlerts(ctx.state.em, filter),
      }, presentAlert);
    },
  });

  // Declared before '/alerts/:id', which would take 'counts' for an id.
  const counts = defineRoute({
    method: 'GET', path: '/alerts/counts', summary: '预警计数, 按状态、规则或部门分组 (alerts counted by status, rule or department, for the list\'s filters)',
    query: Type.Object({
      groupBy: Type.Enum([...ALERT_COUNT_GROUPS]),
      status: Type.Optional(Type.Enum([...ALERT_STATUSES])),
      rule: Type.Optional(Type.Enum([...RULE_CODES])),
      departmentCode: Type.Optional(Code()),
      caseNo: Type.Optional(CaseNo()),
    }, { additionalProperties: false }),
    handler: async (ctx) => {
      const { groupBy, status, rule, departmentCode, caseNo } = ctx.input.query;
      const filter = { status: status ?? null, rule: rule ?? null, departmentCode: departmentCode ?? null, caseNo: caseNo ?? null };
      ctx.body = await countAlertGroups(ctx.state.em, filter, accessIn(ctx.state).departments, groupBy);
    },
  });

  // A sweep that writes runs at the node's clock; one at another instant only answers what it would do.
  const sweep = defineRoute({
    method: 'POST', path: '/alerts/sweep',
    summary: '立即巡检; 指定 at 时为试运行, 不写入 (run a sweep now at the node\'s clock; with `at`, a dry run at that instant that writes nothing)',
    query: Type.Object({ at: Type.Optional(Instant('试运行的时刻; 省略则按节点时钟实际巡检 (the instant of a dry run; omitted: a real sweep at the node\'s clock)')) }, { additionalProperties: false }),
    body: 'none',
    handler: async (ctx) => {
      const { at } = ctx.input.query;
      if (at === undefined) {
        ctx.body = { ...await deps.sweepNow(deps.now()), dryRun: false };
        return;
      }
      const result = await deps.previewSweep(atOrNow(at, deps.now));
      ctx.state.audit = { details: { dryRun: true, at: result.at } };
      ctx.body = { ...result, dryRun: true };
    },
  });

  const oneAlert = defineRoute({
    method: 'GET', path: '/alerts/:id', summary: '一条预警及其经过 (one alert with its transitions and accountability)', params: AlertParams,
    handler: async (ctx) => {
      const id = await visibleAlertId(ctx.state, ctx.input.params.id);
      const { alert, transitions, accountability } = await alertWithHistory(ctx.state.em, id);
      ctx.body = { ...presentAlert(alert), transitions: transitions.map(presentTransition), accountability: accountability.map(presentAccountability) };
    },
  });

  const accountability = defineRoute({
    method: 'POST', path: '/alerts/:id/accountability', summary: '记录问责 (record accountability for an alert)',
    params: AlertParams, body: publishedBody<AccountabilityInput>('alerts/accountability.schema.json'),
    response: { status: 201 },
    handler: async (ctx) => {
      const id = await visibleAlertId(ctx.state, ctx.input.params.id);
      const record = await recordAccountability(ctx.state.em, id, ctx.input.body, actorOf(ctx.state), deps.now());
      ctx.status = 201;
      ctx.body = presentAccountability(record);
    },
  });

  const action = defineRoute({
    method: 'POST', path: '/alerts/:id/:action', summary: '预警处置 (a workflow action: notify, explain, accept, reject, escalate, appeal, revoke, uphold)',
    params: Type.Object({ id: PositiveId('预警编号 (alert id)'), action: Type.String({ minLength: 1, maxLength: 64 }) }),
    body: selectedBody<ActionInput>('action', { explain: publishedBody('alerts/explanation.schema.json') }, publishedBody('alerts/action.schema.json')),
    handler: async (ctx) => {
      const id = await visibleAlertId(ctx.state, ctx.input.params.id);
      const name = ctx.input.params.action as AlertAction;
      // An unknown action is an unknown resource (404), as before contracts.
      if (!ALERT_ACTIONS.includes(name)) throw new AppError('NOT_FOUND', { action: ctx.input.params.action, actions: ALERT_ACTIONS });
      const input = ctx.input.body;
      if (input.demand !== undefined && name !== 'notify') throw new AppError('VALIDATION_FAILED', { field: '/demand', problem: '仅用于 notify (only for notify)' });
      const alert = await applyAlertAction(ctx.state.em, deps, id, name, input, actorOf(ctx.state), deps.now());
      ctx.body = presentAlert(alert);
    },
  });

  return [rules, alerts, counts, sweep, oneAlert, accountability, action];
}

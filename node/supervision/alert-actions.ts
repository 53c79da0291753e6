/**
 * The actions people take on an alert (`/api/v1/alerts/{id}/{action}`): each locks the alert, checks
 * the workflow table and the periods, changes it, and appends the transition with who, when and
 * why, in one transaction; notifications written there are queued once it commits.
 */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { dayFromIso, isoFromDay, localDayOf } from '../calendar/local-date.ts';
import { AppError } from '../core/errors.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { Alert } from './alert.entity.ts';
import { AlertTransition } from './alert-transition.entity.ts';
import { Accountability } from './accountability.entity.ts';
import { ACTION_RULES, acceptsAccountability, nextStatus, type AlertAction, type AlertStatus } from './alert-workflow.ts';
import { defaultDemand, noticeDueOn, reserveNoticeNumbers } from './notices.ts';
import type { AlertNotifier } from './alert-notifier.ts';
import type { RuleCode } from './rules/rule-types.ts';
import { whenCommitted } from '../core/unit-of-work.ts';

export interface ActionDeps {
  nodeCode: string;
  rules: TimeRules;
  notifier: AlertNotifier | null;
}

/** Who acts, and in which request. */
export interface Actor {
  id: string;
  requestId: string | null;
}

/** The body of an action (already schema-checked). */
export interface ActionInput {
  reason?: string;
  /** notify: the demand, when not the rule's default. */
  demand?: string;
  /** explain: 说明理由 and 整改情况. */
  explanation?: string;
  correction?: string;
}

export interface AccountabilityInput {
  person: string;
  decision: string;
  /** 'YYYY-MM-DD'. */
  decidedOn: string;
  note?: string;
}

async function lockAlert(tx: EntityManager, id: number): Promise<Alert> {
  const alert = await tx.findOne(Alert, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!alert) throw new AppError('NOT_FOUND', { alertId: id });
  return alert;
}

/** Applies `action` to alert `id` at `at`; answers the alert after it. */
export async function applyAlertAction(em: EntityManager, deps: ActionDeps, id: number, action: AlertAction, input: ActionInput, actor: Actor, at: Date): Promise<Alert> {
  const rule = ACTION_RULES[action];
  if (rule.needsReason && !input.reason) throw new AppError('VALIDATION_FAILED', { field: '/reason', problem: `required for ${action}` });
  const notifications: number[] = [];
  const alert = await em.transactional(async (tx) => {
    const alert = await lockAlert(tx, id);
    const from = alert.status as AlertStatus;
    const to = nextStatus(from, action, (alert.statusBeforeAppeal ?? null) as AlertStatus | null);
    if (to === null) {
      throw new AppError('ALERT_ACTION_NOT_ALLOWED', { field: 'status', status: from, action, allowedFrom: rule.from });
    }
    const snapshot = deps.rules.current;
    const data: Record<string, unknown> = {};
    switch (action) {
      case 'notify': {
        const [noticeNo] = await reserveNoticeNumbers(tx, deps.nodeCode, at, 1);
        const due = noticeDueOn(snapshot.calendar, at, snapshot.policy.noticeDueWorkingDays);
        alert.noticeNo = noticeNo!;
        alert.noticeIssuedAt = at;
        alert.noticeDueOn = due;
        alert.noticeDemand = input.demand ?? defaultDemand(alert.rule as RuleCode, due);
        Object.assign(data, { noticeNo, demand: alert.noticeDemand, dueOn: due });
        break;
      }
      case 'explain':
        Object.assign(data, { explanation: input.explanation, correction: input.correction });
        break;
      case 'appeal': {
        if (await tx.count(AlertTransition, { alertId: id, action: 'appeal' }) > 0) throw new AppError('ALREADY_APPEALED', { alertId: id });
        const lastDay = dayFromIso(String(alert.appealDueOn));
        if (localDayOf(at) > lastDay) throw new AppError('APPEAL_WINDOW_CLOSED', { field: 'appealDueOn', appealDueOn: isoFromDay(lastDay) });
        alert.statusBeforeAppeal = from;
        break;
      }
      case 'uphold':
        alert.statusBeforeAppeal = null;
        break;
      case 'revoke':
        alert.revokedBy = actor.id;
        alert.revokedReason = input.reason ?? null;
        alert.statusBeforeAppeal = null;
        break;
      default:
        break;
    }
    alert.status = to;
    alert.closedAt = to === 'accepted' || to === 'rejected' || to === 'revoked' ? at : null;
    alert.updatedAt = at;
    tx.create(AlertTransition, {
      alertId: id, fromStatus: from, toStatus: to, action, actor: actor.id, reason: input.reason ?? null,
      data: Object.keys(data).length > 0 ? data : null, requestId: actor.requestId, at,
    });
    await tx.flush();
    const kind = action === 'notify' ? 'notice' : action === 'escalate' ? 'escalation' : null;
    if (kind && deps.notifier) notifications.push(...await deps.notifier.create(tx, [id], kind, at));
    return alert;
  });
  // Created with the change, queued once it committed (inside a request: once the request did).
  if (notifications.length > 0) await whenCommitted(() => deps.notifier?.enqueue(notifications));
  return alert;
}

/** Records accountability (责任追究) on a closed alert. */
export async function recordAccountability(em: EntityManager, id: number, input: AccountabilityInput, actor: Actor, at: Date): Promise<Accountability> {
  return em.transactional(async (tx) => {
    const alert = await lockAlert(tx, id);
    const status = alert.status as AlertStatus;
    if (!acceptsAccountability(status)) {
      throw new AppError('ALERT_ACTION_NOT_ALLOWED', { field: 'status', status, action: 'accountability', allowedFrom: ['accepted', 'rejected'] });
    }
    const record = tx.create(Accountability, {
      alertId: id, person: input.person, decision: input.decision, decidedOn: input.decidedOn,
      recordedBy: actor.id, recordedAt: at, note: input.note ?? null,
    });
    tx.create(AlertTransition, {
      alertId: id, fromStatus: status, toStatus: status, action: 'accountability', actor: actor.id, reason: input.note ?? null,
      data: { person: input.person, decision: input.decision, decidedOn: input.decidedOn }, requestId: actor.requestId, at,
    });
    alert.updatedAt = at;
    await tx.flush();
    return record;
  });
}

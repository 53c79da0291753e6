/** Wire shapes of alerts, their transitions and accountability records. */
import { isoLocalOrNull } from '../core/instants.ts';
import type { Alert } from './alert.entity.ts';
import type { AlertTransition } from './alert-transition.entity.ts';
import type { Accountability } from './accountability.entity.ts';
import { ALERT_STATUS_LABELS, type AlertStatus } from './alert-workflow.ts';
import { isRuleCode, ruleInfo } from './rules/rule-catalog.ts';

const iso = (value: Date | null | undefined): string | null => isoLocalOrNull(value);
const date = (value: unknown): string | null => (value === null || value === undefined ? null : String(value).slice(0, 10));

export function presentAlert(alert: Alert) {
  return {
    id: alert.id,
    caseNo: alert.caseNo,
    rule: alert.rule,
    ruleVersion: alert.ruleVersion,
    ruleTitle: isRuleCode(alert.rule) ? ruleInfo(alert.rule).title : alert.rule,
    departmentCode: alert.departmentCode,
    itemCode: alert.itemCode ?? null,
    status: alert.status,
    statusLabel: ALERT_STATUS_LABELS[alert.status as AlertStatus] ?? alert.status,
    foundAt: iso(alert.foundAt),
    raisedAt: iso(alert.raisedAt),
    message: alert.message,
    details: alert.details,
    appealDueOn: date(alert.appealDueOn),
    notice: alert.noticeNo
      ? { noticeNo: alert.noticeNo, demand: alert.noticeDemand ?? null, issuedAt: iso(alert.noticeIssuedAt), dueOn: date(alert.noticeDueOn) }
      : null,
    revokedBy: alert.revokedBy ?? null,
    revokedReason: alert.revokedReason ?? null,
    closedAt: iso(alert.closedAt),
    updatedAt: iso(alert.updatedAt),
  };
}

export function presentTransition(transition: AlertTransition) {
  return {
    action: transition.action,
    from: transition.fromStatus ?? null,
    to: transition.toStatus,
    actor: transition.actor,
    reason: transition.reason ?? null,
    data: transition.data ?? null,
    requestId: transition.requestId ?? null,
    at: iso(transition.at),
  };
}

export function presentAccountability(record: Accountability) {
  return {
    person: record.person,
    decision: record.decision,
    decidedOn: date(record.decidedOn),
    note: record.note ?? null,
    recordedBy: record.recordedBy,
    recordedAt: iso(record.recordedAt),
  };
}

/**
 * The warning-and-correction workflow (预警纠错) as a table: which action may move an alert from
 * which state to which, and who takes it. The sweep and the API both go through it, so a refused
 * transition is refused the same way everywhere.
 *
 *   open ──notify──▶ notified ──explain──▶ explained ──accept──▶ accepted
 *    │                  │  ▲                  └──────reject──▶ rejected
 *    │                  │  └─(uphold)                  ▲
 *    │                  └──escalate (when due)──▶ escalated ──explain / reject
 *    └──accept (reviewed, nothing to correct)
 *   open, notified, explained, escalated, rejected ──appeal (within the period)──▶ appealed
 *   appealed ──revoke──▶ revoked      appealed ──uphold──▶ the state it was appealed from
 *
 * Closed states: accepted, rejected, revoked. Accountability (责任追究) is recorded on accepted or
 * rejected alerts. The sweep also revokes (and reinstates) alerts a recomputation makes wrong (right).
 */

export const ALERT_STATUSES = ['open', 'notified', 'explained', 'accepted', 'rejected', 'escalated', 'revoked', 'appealed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Chinese names of the states, for people. */
export const ALERT_STATUS_LABELS: Readonly<Record<AlertStatus, string>> = {
  open: '待处理', notified: '已督办', explained: '已说明', accepted: '已采纳', rejected: '未采纳',
  escalated: '已升级', revoked: '已撤销', appealed: '申诉中',
};

export const CLOSED_STATUSES: readonly AlertStatus[] = ['accepted', 'rejected', 'revoked'];

/** Actions people take through `/api/v1/alerts/{id}/{action}`. */
export const ALERT_ACTIONS = ['notify', 'explain', 'accept', 'reject', 'escalate', 'appeal', 'revoke', 'uphold'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** Who is expected to take an action (issue 5 enforces it; recorded with every transition). */
export type ActionParty = 'supervisor' | 'department';

interface ActionRule {
  from: readonly AlertStatus[];
  /** null: back to the state before the appeal. */
  to: AlertStatus | null;
  party: ActionParty;
  /** Whether the body must give a reason. */
  needsReason: boolean;
}

export const ACTION_RULES: Readonly<Record<AlertAction, ActionRule>> = {
  notify: { from: ['open'], to: 'notified', party: 'supervisor', needsReason: false },
  explain: { from: ['notified', 'escalated'], to: 'explained', party: 'department', needsReason: false },
  accept: { from: ['open', 'explained'], to: 'accepted', party: 'supervisor', needsReason: false },
  reject: { from: ['explained', 'escalated'], to: 'rejected', party: 'supervisor', needsReason: true },
  escalate: { from: ['notified'], to: 'escalated', party: 'supervisor', needsReason: true },
  appeal: { from: ['open', 'notified', 'explained', 'escalated', 'rejected'], to: 'appealed', party: 'department', needsReason: true },
  revoke: { from: ['appealed'], to: 'revoked', party: 'supervisor', needsReason: true },
  uphold: { from: ['appealed'], to: null, party: 'supervisor', needsReason: true },
};

/** Whether accountability may be recorded on an alert in `status`. */
export function acceptsAccountability(status: AlertStatus): boolean {
  return status === 'accepted' || status === 'rejected';
}

/**
 * The state `action` leads to from `status` (for uphold: `before`, the state the appeal came from),
 * or null when the action is not allowed from `status`.
 */
export function nextStatus(status: AlertStatus, action: AlertAction, before: AlertStatus | null): AlertStatus | null {
  const rule = ACTION_RULES[action];
  if (!rule.from.includes(status)) return null;
  if (rule.to !== null) return rule.to;
  return before;
}

export function isClosed(status: AlertStatus): boolean {
  return CLOSED_STATUSES.includes(status);
}

/**
 * The sweep: turns findings into alerts exactly once per case and rule. It reads only cases whose
 * next due instant has come (the `sweep_schedule` index), in chunks of one transaction each, so a
 * crash in the middle loses nothing: what was committed stays swept, the rest is still due. Run
 * inside a write request (`POST /alerts/sweep`, an audit answer), each chunk is a savepoint of the
 * request's transaction and its notifications are queued once the request committed.
 *
 * Per case: evaluate the rules at `at`; raise an alert for a finding that has none (a card's alert
 * carries its supervision notice at once); revoke, with the reason, an alert whose finding a
 * change (new events, calendar, policy, item) made wrong; reinstate one that such a revocation
 * took away when its finding is back; then set the next due instant. Finally unanswered notices
 * past their due day escalate.
 */
import { isoLocal } from '../core/instants.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { isoFromDay, localDayOf } from '../calendar/local-date.ts';
import { execute } from '../core/db.ts';
import { inTransaction, whenCommitted } from '../core/unit-of-work.ts';
import { lockRulesShared, type TimeRules, type TimeRulesSnapshot } from '../timelimits/time-rules.ts';
import { evaluateRules } from './rules/evaluate-rules.ts';
import { CARD_RULES, type Finding, type RuleCode, type RuleItem } from './rules/rule-types.ts';
import { appealDueOn, defaultDemand, noticeDueOn, reserveNoticeNumbers } from './notices.ts';
import { DUE_REASON_LABELS, type DueReason } from './sweep-schedule.ts';
import type { AlertNotifier } from './alert-notifier.ts';
import {
  claimDueCases, claimOverdueNotices, insertAlerts, insertTransitions, loadAlertsOfCases, loadReceivedEvents, loadRuleItems,
  reschedule, updateAlertStatuses, type DueCase, type HeldAlert, type NewAlertRow, type TransitionRow,
} from './sweep-store.ts';

export interface SweepDeps {
  nodeCode: string;
  rules: TimeRules;
  notifier: AlertNotifier | null;
  logger?: Logger;
}

export interface SweepOptions {
  /** Only these cases (still only when due): the sweep right after an ingested batch. */
  caseNos?: readonly string[];
  /** Cases per transaction. */
  chunk?: number;
  /** Called after each committed chunk. */
  onProgress?: (progress: SweepResult) => void;
}

export interface SweepResult {
  at: string;
  /** Cases evaluated. */
  checked: number;
  raised: number;
  noticesIssued: number;
  revoked: number;
  reinstated: number;
  escalated: number;
  chunks: number;
}

const DEFAULT_CHUNK = 1000;
const SYSTEM = 'system';

const isCardRule = (rule: string): boolean => (CARD_RULES as readonly string[]).includes(rule);

/** Sweeps every case due by `at`, then escalates overdue notices; answers what it did. */
export async function runSweep(em: EntityManager, deps: SweepDeps, at: Date, options: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { at: isoLocal(at), checked: 0, raised: 0, noticesIssued: 0, revoked: 0, reinstated: 0, escalated: 0, chunks: 0 };
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  const items = new Map<string, RuleItem | null>();
  for (;;) {
    const outcome = await inTransaction(em, async (tx) => sweepChunk(tx, deps, at, chunk, options.caseNos ?? null, items, result));
    if (outcome.notifications.length > 0) await whenCommitted(() => deps.notifier?.enqueue(outcome.notifications));
    if (outcome.claimed === 0) break;
    result.chunks += 1;
    options.onProgress?.({ ...result });
    if (outcome.claimed < chunk) break;
  }
  if (!options.caseNos) await escalateOverdue(em, deps, at, chunk, result);
  return result;
}

interface ChunkOutcome {
  claimed: number;
  notifications: number[];
}

async function sweepChunk(
  tx: EntityManager, deps: SweepDeps, at: Date, chunk: number, caseNos: readonly string[] | null,
  items: Map<string, RuleItem | null>, result: SweepResult,
): Promise<ChunkOutcome> {
  await execute(tx, 'SET LOCAL jit = off');
  // A rule change waits for the chunk (and marks its cases due again when it commits).
  await lockRulesShared(tx, deps.rules);
  const due = await claimDueCases(tx, at, chunk, caseNos);
  if (due.length === 0) return { claimed: 0, notifications: [] };
  const snapshot = deps.rules.current;
  const codes = due.map((row) => row.case_no);
  const events = await loadReceivedEvents(tx, codes);
  const missingItems = [...new Set(due.map((row) => row.item_code).filter((code): code is string => code !== null && !items.has(code)))];
  const loaded = await loadRuleItems(tx, missingItems);
  for (const code of missingItems) items.set(code, loaded.get(code) ?? null);
  const held = new Map<string, HeldAlert>();
  for (const alert of await loadAlertsOfCases(tx, codes)) held.set(`${alert.case_no}\u0000${alert.rule}`, alert);

  const raise: { row: NewAlertRow; finding: Finding }[] = [];
  const statusChanges: { id: number; status: HeldAlert['status']; revoked_by: string | null; revoked_reason: string | null }[] = [];
  const transitions: TransitionRow[] = [];
  const next: { case_no: string; due_at: string | null }[] = [];
  for (const row of due) {
    const outcome = evaluateRules({
      caseNo: row.case_no,
      events: events.get(row.case_no) ?? [],
      item: row.item_code ? items.get(row.item_code) ?? null : null,
      limit: row.limit_days !== null && row.limit_unit !== null ? { limitDays: row.limit_days, limitUnit: row.limit_unit } : null,
      calendar: snapshot.calendar,
      policy: snapshot.policy,
      at,
    });
    // A next instant not after `at` would be claimed again by this very run; the rules promise later.
    const nextDue = outcome.nextDueAt !== null && Date.parse(outcome.nextDueAt) <= at.getTime() ? new Date(at.getTime() + 1).toISOString() : outcome.nextDueAt;
    next.push({ case_no: row.case_no, due_at: nextDue });
    const found = new Set<string>();
    for (const finding of outcome.findings) {
      found.add(finding.rule);
      const alert = held.get(`${row.case_no}\u0000${finding.rule}`);
      if (!alert) {
        if (row.department_code !== null) raise.push({ row: newAlertRow(row, finding, snapshot, at), finding });
      } else if (alert.status === 'revoked' && alert.revoked_by === SYSTEM) {
        const status = alert.notice_no === null ? 'open' : 'notified';
        statusChanges.push({ id: alert.id, status, revoked_by: null, revoked_reason: null });
        transitions.push(systemTransition(alert.id, 'revoked', status, 'reinstate', `重新计算后再次成立 (found again after ${reasonText(row.reason)})`));
        result.reinstated += 1;
      }
    }
    // Only a change can make a finding wrong: a case due merely because time passed keeps its alerts.
    if (row.reason === null) continue;
    for (const alert of held.values()) {
      if (alert.case_no !== row.case_no || found.has(alert.rule) || alert.status === 'revoked') continue;
      const reason = `重新计算后不再成立 (no longer found after ${reasonText(row.reason)})`;
      statusChanges.push({ id: alert.id, status: 'revoked', revoked_by: SYSTEM, revoked_reason: reason });
      transitions.push(systemTransition(alert.id, alert.status, 'revoked', 'revoke', reason));
      result.revoked += 1;
    }
  }

  // Cards carry their notice from the start (numbers drawn in this transaction).
  const cards = raise.filter(({ row }) => isCardRule(row.rule));
  const numbers = await reserveNoticeNumbers(tx, deps.nodeCode, at, cards.length);
  cards.forEach(({ row }, i) => {
    row.status = 'notified';
    row.notice_no = numbers[i]!;
    row.notice_due_on = noticeDueOn(snapshot.calendar, at, snapshot.policy.noticeDueWorkingDays);
    row.notice_demand = defaultDemand(row.rule as RuleCode, row.notice_due_on);
  });
  const inserted = await insertAlerts(tx, raise.map(({ row }) => row), at);
  const notices: number[] = [];
  const byKey = new Map(raise.map(({ row }) => [`${row.case_no}\u0000${row.rule}`, row]));
  for (const alert of inserted) {
    const row = byKey.get(`${alert.case_no}\u0000${alert.rule}`)!;
    transitions.push(systemTransition(alert.id, null, 'open', 'raise', null, { ruleVersion: row.rule_version, foundAt: row.found_at }));
    if (row.notice_no !== null) {
      transitions.push(systemTransition(alert.id, 'open', 'notified', 'notify', null, { noticeNo: row.notice_no, demand: row.notice_demand, dueOn: row.notice_due_on }));
      notices.push(alert.id);
    }
  }
  await updateAlertStatuses(tx, statusChanges, at);
  await insertTransitions(tx, transitions, at);
  await reschedule(tx, next);
  const notifications: number[] = [];
  if (deps.notifier && notices.length > 0) notifications.push(...await deps.notifier.create(tx, notices, 'notice', at));

  result.checked += due.length;
  result.raised += inserted.length;
  result.noticesIssued += notices.length;
  return { claimed: due.length, notifications };
}

function newAlertRow(row: DueCase, finding: Finding, snapshot: TimeRulesSnapshot, at: Date): NewAlertRow {
  return {
    case_no: row.case_no,
    rule: finding.rule,
    rule_version: finding.ruleVersion,
    department_code: row.department_code!,
    item_code: row.item_code,
    status: 'open',
    found_at: finding.foundAt,
    message: finding.message.slice(0, 500),
    details: finding.details,
    appeal_due_on: appealDueOn(snapshot.calendar, localDayOf(at), snapshot.policy.appealWorkingDays),
    notice_no: null,
    notice_demand: null,
    notice_due_on: null,
  };
}

function systemTransition(
  alertId: number, from: HeldAlert['status'] | null, to: HeldAlert['status'], action: string, reason: string | null, data: Record<string, unknown> | null = null,
): TransitionRow {
  return { alert_id: alertId, from_status: from, to_status: to, action, actor: SYSTEM, reason, data, request_id: null };
}

function reasonText(reason: string | null): string {
  if (reason === null) return 'recomputation';
  return reason.split(',').map((part) => DUE_REASON_LABELS[part as DueReason] ?? part).join(', ');
}

/** Escalates notified alerts whose notice was due before the local day of `at` (unanswered when due). */
async function escalateOverdue(em: EntityManager, deps: SweepDeps, at: Date, chunk: number, result: SweepResult): Promise<void> {
  const today = isoFromDay(localDayOf(at));
  for (;;) {
    const outcome = await inTransaction(em, async (tx) => {
      const due = await claimOverdueNotices(tx, today, chunk);
      if (due.length === 0) return { claimed: 0, notifications: [] as number[] };
      await updateAlertStatuses(tx, due.map((alert) => ({ id: alert.id, status: 'escalated' as const, revoked_by: null, revoked_reason: null })), at);
      await insertTransitions(tx, due.map((alert) => systemTransition(alert.id, 'notified', 'escalated', 'escalate',
        `督办单 ${alert.notice_no} 逾期未答复, 自动升级 (notice unanswered when due)`)), at);
      const notifications: number[] = [];
      if (deps.notifier) notifications.push(...await deps.notifier.create(tx, due.map((alert) => alert.id), 'escalation', at));
      return { claimed: due.length, notifications };
    });
    if (outcome.notifications.length > 0) await whenCommitted(() => deps.notifier?.enqueue(outcome.notifications));
    result.escalated += outcome.claimed;
    if (outcome.claimed < chunk) break;
  }
}

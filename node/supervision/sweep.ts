/**
 * The sweep: turns findings into alerts exactly once per case and rule. It reads only cases whose
 * next due instant has come (the `sweep_schedule` index), in chunks of one transaction each, so a
 * crash in the middle loses nothing: what was committed stays swept, the rest is still due. Run
 * inside a write request (`POST /alerts/sweep`), each chunk is a savepoint of the request's
 * transaction, taken one after another, and its notifications are queued once the request committed.
 *
 * Per case: evaluate the rules at `at`; raise an alert for a finding that has none (a card's alert
 * carries its supervision notice at once); revoke, with the reason, an alert whose finding a
 * change (new events, calendar, policy, item) made wrong; reinstate one that such a revocation
 * took away when its finding is back, in the state the revocation found it (a rejected alert comes
 * back rejected, closed when it was, not notified again); then set the next due instant. Finally unanswered notices
 * past their due day escalate.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { isoFromDay, localDayOf } from '../calendar/local-date.ts';
import { isoLocal } from '../core/instants.ts';
import { execute } from '../core/db.ts';
import { currentUnit, inTransaction, whenCommitted } from '../core/unit-of-work.ts';
import { lockRulesShared, type TimeRules, type TimeRulesSnapshot } from '../timelimits/time-rules.ts';
import { evaluateRules } from './rules/evaluate-rules.ts';
import { CARD_RULES, type Finding, type RuleCode, type RuleItem } from './rules/rule-types.ts';
import { appealDueOn, defaultDemand, noticeDueOn, reserveNoticeNumbers } from './notices.ts';
import { DUE_REASON_LABELS, drainSweepMarks, type DueReason } from './sweep-schedule.ts';
import type { AlertNotifier } from './alert-notifier.ts';
import { ALERT_STATUS_LABELS } from './alert-workflow.ts';
import {
  claimDueCases, claimOverdueNotices, insertTransitions, loadRuleItems, updateAlertStatuses, writeChunk,
  type ChunkWrites, type DueCase, type DueKey, type HeldAlert, type NewAlertRow, type TransitionRow,
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

/** Cases judged between two turns of the event loop, so that the next chunk's statements go out meanwhile. */
const JUDGE_SLICE = 100;

/**
 * Sweeps every case due by `at`, then escalates overdue notices; answers what it did.
 *
 * Chunks overlap: while chunk n is judged and written, chunk n+1 is claimed and read in its own
 * transaction (on another connection; SKIP LOCKED passes over chunk n's cases). Writes and commits
 * stay in claim order: a chunk writes only once the one before it committed, and rolls back if
 * that one failed, so notice numbers follow the claim order and a failure stops the sweep there.
 */
export async function runSweep(em: EntityManager, deps: SweepDeps, at: Date, options: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { at: isoLocal(at), checked: 0, raised: 0, noticesIssued: 0, revoked: 0, reinstated: 0, escalated: 0, chunks: 0 };
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  const items = new Map<string, RuleItem | null>();
  const start = (previous: Promise<unknown>, after: DueKey | null): RunningChunk =>
    startChunk(em, deps, at, chunk, options.caseNos ?? null, items, previous, after);
  const inRequest = currentUnit() !== undefined;
  // Cases marked due since the last sweep join the schedule before it is claimed from (in the
  // request's transaction when there is one, undone with it).
  await inTransaction(em, drainSweepMarks);
  let current = start(Promise.resolve(), null);
  for (;;) {
    let next: RunningChunk | null = null;
    try {
      const claimed = await current.claimed;
      // A full chunk may have more behind it: claim that while this one is judged. Not inside a
      // request: its chunks are savepoints of the request's one connection, taken one at a time.
      if (claimed.count === chunk && !inRequest) next = start(current.outcome, claimed.last);
      const outcome = await current.outcome;
      if (claimed.count === chunk && inRequest) next = start(Promise.resolve(), claimed.last);
      if (outcome.notifications.length > 0) await whenCommitted(() => deps.notifier?.enqueue(outcome.notifications));
      if (outcome.checked === 0) break;
      result.checked += outcome.checked;
      result.raised += outcome.raised;
      result.noticesIssued += outcome.noticesIssued;
      result.revoked += outcome.revoked;
      result.reinstated += outcome.reinstated;
      result.chunks += 1;
      options.onProgress?.({ ...result });
    } catch (error) {
      // The chunk in flight rolls back (its predecessor failed); wait for it before answering.
      await next?.outcome.catch(() => undefined);
      throw error;
    }
    if (next === null) break;
    current = next;
  }
  if (!options.caseNos) await escalateOverdue(em, deps, at, chunk, result);
  return result;
}

interface ChunkOutcome {
  checked: number;
  raised: number;
  noticesIssued: number;
  revoked: number;
  reinstated: number;
  notifications: number[];
}

interface RunningChunk {
  /** How many cases the chunk claimed and the last one's key, once it has read them. */
  claimed: Promise<{ count: number; last: DueKey | null }>;
  /** What it did, once committed. */
  outcome: Promise<ChunkOutcome>;
}

/** Starts one chunk's transaction: claim and read now, judge, then write once `previous` committed. */
function startChunk(
  em: EntityManager, deps: SweepDeps, at: Date, chunk: number, caseNos: readonly string[] | null,
  items: Map<string, RuleItem | null>, previous: Promise<unknown>, after: DueKey | null,
): RunningChunk {
  let claimed!: (claim: { count: number; last: DueKey | null }) => void;
  const claimedCount = new Promise<{ count: number; last: DueKey | null }>((resolve) => {
    claimed = resolve;
  });
  const outcome = inTransaction(em, async (tx) => {
    await execute(tx, 'SET LOCAL jit = off');
    // A rule change waits for the chunk (and marks its cases due again when it commits).
    await lockRulesShared(tx, deps.rules);
    const { cases: due, last } = await claimDueCases(tx, at, chunk, caseNos, after);
    claimed({ count: due.length, last });
    const none: ChunkOutcome = { checked: 0, raised: 0, noticesIssued: 0, revoked: 0, reinstated: 0, notifications: [] };
    if (due.length === 0) {
      await previous;
      return none;
    }
    const missingItems = [...new Set(due.map((row) => row.item_code).filter((code): code is string => code !== null && !items.has(code)))];
    const loaded = await loadRuleItems(tx, missingItems);
    for (const code of missingItems) items.set(code, loaded.get(code) ?? null);
    const judged = await judgeChunk(due, items, deps.rules.current, at);
    await previous;
    return writeJudged(tx, deps, at, judged);
  });
  // A chunk that fails before its claim answers settles `claimed` too (the outcome carries the error).
  outcome.catch(() => claimed({ count: 0, last: null }));
  return { claimed: claimedCount, outcome };
}

interface Judged {
  checked: number;
  revoked: number;
  reinstated: number;
  raise: NewAlertRow[];
  statusChanges: ChunkWrites['statusChanges'][number][];
  transitions: TransitionRow[];
  next: { case_no: string; due_at: string | null }[];
  snapshot: TimeRulesSnapshot;
}

/** Evaluates the rules on each claimed case and decides what to raise, revoke, reinstate and when to look again. */
async function judgeChunk(due: readonly DueCase[], items: ReadonlyMap<string, RuleItem | null>, snapshot: TimeRulesSnapshot, at: Date): Promise<Judged> {
  const judged: Judged = { checked: due.length, revoked: 0, reinstated: 0, raise: [], statusChanges: [], transitions: [], next: [], snapshot };
  const appealDue = appealDueOn(snapshot.calendar, localDayOf(at), snapshot.policy.appealWorkingDays);
  for (const [index, row] of due.entries()) {
    if (index > 0 && index % JUDGE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const outcome = evaluateRules({
      caseNo: row.case_no,
      events: row.events,
      item: row.item_code ? items.get(row.item_code) ?? null : null,
      limit: row.limit_days !== null && row.limit_unit !== null ? { limitDays: row.limit_days, limitUnit: row.limit_unit } : null,
      calendar: snapshot.calendar,
      policy: snapshot.policy,
      at,
    });
    // A next instant not after `at` would be claimed again by this very run; the rules promise later.
    const nextDue = outcome.nextDueAt !== null && Date.parse(outcome.nextDueAt) <= at.getTime() ? new Date(at.getTime() + 1).toISOString() : outcome.nextDueAt;
    judged.next.push({ case_no: row.case_no, due_at: nextDue });
    const held = new Map(row.alerts.map((alert) => [alert.rule, alert]));
    const found = new Set<string>();
    for (const finding of outcome.findings) {
      found.add(finding.rule);
      const alert = held.get(finding.rule);
      if (!alert) {
        if (row.department_code !== null) judged.raise.push(newAlertRow(row, finding, appealDue));
      } else if (alert.status === 'revoked' && alert.revoked_by === SYSTEM) {
        // Back to where the revocation found it, decisions and all; its closing instant too, when closed.
        const restored = alert.revoked_from ?? { status: alert.notice_no === null ? 'open' : 'notified', closed_at: null };
        judged.statusChanges.push({ id: alert.id, status: restored.status, revoked_by: null, revoked_reason: null, closed_at: restored.closed_at });
        judged.transitions.push(systemTransition(alert.id, 'revoked', restored.status, 'reinstate',
          `重新计算后再次成立, 恢复为撤销前的状态: ${ALERT_STATUS_LABELS[restored.status]} (found again after ${reasonText(row.reason)}; back to its state before the revocation: ${restored.status})`));
        judged.reinstated += 1;
      }
    }
    // Only a change can make a finding wrong: a case due merely because time passed keeps its alerts.
    if (row.reason === null) continue;
    for (const alert of row.alerts) {
      if (found.has(alert.rule) || alert.status === 'revoked') continue;
      const reason = `重新计算后不再成立 (no longer found after ${reasonText(row.reason)})`;
      judged.statusChanges.push({ id: alert.id, status: 'revoked', revoked_by: SYSTEM, revoked_reason: reason });
      judged.transitions.push(systemTransition(alert.id, alert.status, 'revoked', 'revoke', reason));
      judged.revoked += 1;
    }
  }
  return judged;
}

/** Writes what a chunk judged: cards carry their notice from the start (numbers drawn in this transaction). */
async function writeJudged(tx: EntityManager, deps: SweepDeps, at: Date, judged: Judged): Promise<ChunkOutcome> {
  const { snapshot } = judged;
  const cards = judged.raise.filter((row) => isCardRule(row.rule));
  const numbers = await reserveNoticeNumbers(tx, deps.nodeCode, at, cards.length);
  const noticeDue = noticeDueOn(snapshot.calendar, at, snapshot.policy.noticeDueWorkingDays);
  cards.forEach((row, i) => {
    row.status = 'notified';
    row.notice_no = numbers[i]!;
    row.notice_due_on = noticeDue;
    row.notice_demand = defaultDemand(row.rule as RuleCode, noticeDue);
  });
  const inserted = await writeChunk(tx, judged, at);
  const notices = inserted.filter((alert) => alert.notice).map((alert) => alert.id);
  const notifications: number[] = [];
  if (deps.notifier && notices.length > 0) notifications.push(...await deps.notifier.create(tx, notices, 'notice', at));
  return {
    checked: judged.checked, raised: inserted.length, noticesIssued: notices.length, revoked: judged.revoked, reinstated: judged.reinstated, notifications,
  };
}

function newAlertRow(row: DueCase, finding: Finding, appealDue: string): NewAlertRow {
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
    appeal_due_on: appealDue,
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

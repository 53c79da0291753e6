/**
 * What re-supervision (federation/audit) needs of the node: on the audited side, the cases in an
 * audit's scope with their witnessed events (and when each was received), the verdicts the node
 * reports for them from its cached case state, their alerts after a sweep of just those cases at
 * the audit instant, and the catalog entries the supervision rules read; on the auditing side,
 * the shared time-limit and supervision rules to recompute with.
 *
 * The reported verdict is the one the cached row gives (its folded facts, the limit fixed at
 * acceptance and the timeline dates): the state the board, the light filters and the summaries
 * sent upward are computed from. Editing that row, an event, or an alert shows up in an audit.
 */
import { dayFromIso, localDayOf, startOfLocalDayIso, type DayNumber } from '../calendar/local-date.ts';
import type { SqlRunner } from '../core/db.ts';
import { checkSchema } from '../http/validation.ts';
import { foldCaseEvents, type CaseFacts } from '../timelimits/case-facts.ts';
import type { Timeline } from '../timelimits/timeline.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { verdictFromFacts, verdictFromTimeline, type ItemTimeLimit } from '../timelimits/verdict.ts';
import { evaluateRules } from './rules/evaluate-rules.ts';
import type { ReceivedEvent, RuleItem } from './rules/rule-types.ts';
import { LIMIT_UNITS, STAGES, type CaseEvent, type LimitUnit, type Stage } from '../cases/case-event.ts';
import { isoSql } from '../cases/case-store.ts';
import type {
  AuditHost, AuditScope, DeclaredItem, ReportedAlert, ReportedLimit, ScopedCase, VerdictRecord,
} from '../../federation/index.ts';

/**
 * Sweeps just `caseNos` (those due) at the node's clock, so their alerts are up to date before an
 * audit reads them at its instant: the node's `runSweep`, passed in at wiring time
 * (node/federation-wiring.ts). `at`, the audit's instant, is never the instant of the writes.
 */
export type AuditSweep = (caseNos: readonly string[], at: Date) => Promise<void>;

interface CachedCaseRow {
  case_no: string;
  item_code: string | null;
  department_code: string | null;
  limit_days: number | null;
  limit_unit: LimitUnit | null;
  facts: CaseFacts | Record<string, never>;
  deadline: string | null;
  yellow_from: string | null;
  yellow_card_on: string | null;
  red_card_on: string | null;
}

const dayOrNull = (date: string | null): DayNumber | null => (date === null ? null : dayFromIso(date));

/** The case numbers of one audit page (by their witnessed events) and the `after` of the next one. */
async function selectPage(sql: SqlRunner, scope: AuditScope): Promise<{ page: string[]; nextAfter: string | null }> {
  const fromInstant = startOfLocalDayIso(dayFromIso(scope.from));
  const toInstant = startOfLocalDayIso(dayFromIso(scope.to) + 1);
  const selected = await sql.query<{ case_no: string }>(`SELECT e.case_no FROM case_events e
    WHERE e.log_index < $1 AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz
      AND ($4::text IS NULL OR e.case_no > $4::text)
      AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM case_events i WHERE i.case_no = e.case_no AND i.log_index < $1
        AND i.type IN ('accepted', 'notAccepted') AND i.payload->>'departmentCode' = $5::text))
    GROUP BY e.case_no ORDER BY e.case_no LIMIT $6`,
  [scope.treeSize, fromInstant, toInstant, scope.after, scope.departmentCode, scope.limit + 1]);
  const page = selected.slice(0, scope.limit).map((row) => row.case_no);
  return { page, nextAfter: selected.length > scope.limit ? page.at(-1)! : null };
}

/** The cases of one audit page: selected by their witnessed events, then every event of each read. */
async function casesForAudit(sql: SqlRunner, scope: AuditScope): Promise<{ cases: ScopedCase[]; nextAfter: string | null }> {
  const { page, nextAfter } = await selectPage(sql, scope);
  if (page.length === 0) return { cases: [], nextAfter: null };

  const rows = await sql.query<{ case_no: string; log_index: string | null; payload: Record<string, unknown>; received_at: string }>(
    `SELECT case_no, log_index, payload, ${isoSql('received_at')} AS received_at FROM case_events
    WHERE case_no = ANY($1::text[]) ORDER BY case_no, log_index`, [page]);
  const byCase = new Map<string, ScopedCase>(page.map((caseNo) => [caseNo, { caseNo, events: [], unwitnessedEvents: 0 }]));
  for (const row of rows) {
    const scoped = byCase.get(row.case_no)!;
    const leafIndex = row.log_index === null ? null : Number(row.log_index);
    if (leafIndex !== null && leafIndex < scope.treeSize) scoped.events.push({ leafIndex, event: row.payload, receivedAt: row.received_at });
    else scoped.unwitnessedEvents += 1;
  }
  return { cases: page.map((caseNo) => byCase.get(caseNo)!), nextAfter };
}

/** The actor the sweep records for what it does itself (node/supervision/sweep.ts). */
const SYSTEM_ACTOR = 'system';

/** The alerts of the cases found by `at`, whatever their status, by case (rule order). */
async function reportedAlerts(sql: SqlRunner, caseNos: readonly string[], at: Date): Promise<Map<string, ReportedAlert[]>> {
  const byCase = new Map<string, ReportedAlert[]>();
  if (caseNos.length === 0) return byCase;
  const rows = await sql.query<{ case_no: string; rule: string; rule_version: number; status: string; found_at: string; notice_no: string | null; revoked_by: string | null }>(
    `SELECT case_no, rule, rule_version, status, ${isoSql('found_at')} AS found_at, notice_no, revoked_by FROM alerts
    WHERE case_no = ANY($1::text[]) AND found_at <= $2 ORDER BY case_no, rule, id`, [[...caseNos], at]);
  for (const row of rows) {
    // Who revoked, not their name: 'system' (the sweep's recomputation) or a person (on appeal).
    const revokedBy = row.status !== 'revoked' ? null : row.revoked_by === SYSTEM_ACTOR ? 'system' : 'person';
    const alert: ReportedAlert = { rule: row.rule, ruleVersion: row.rule_version, status: row.status, foundAt: row.found_at, noticeNo: row.notice_no, revokedBy };
    const list = byCase.get(row.case_no);
    if (list) list.push(alert);
    else byCase.set(row.case_no, [alert]);
  }
  return byCase;
}

/** The catalog entries of the items the cases name: in their intake events, or in their cached rows (what the sweep reads). */
async function declaredItems(sql: SqlRunner, caseNos: readonly string[]): Promise<DeclaredItem[]> {
  if (caseNos.length === 0) return [];
  const rows = await sql.query<{ item_code: string; department_code: string; fees: DeclaredItem['fees']; stages: string[] }>(
    `SELECT item_code, department_code, fees, stages FROM items WHERE item_code IN (
      SELECT payload->>'itemCode' FROM case_events WHERE case_no = ANY($1::text[]) AND type IN ('accepted', 'notAccepted')
      UNION SELECT item_code FROM cases WHERE case_no = ANY($1::text[]))
    ORDER BY item_code`, [[...caseNos]]);
  return rows.map((row) => ({
    itemCode: row.item_code, departmentCode: row.department_code,
    fees: row.fees.map((fee) => ({ code: fee.code, name: fee.name, amountFen: fee.amountFen })), stages: row.stages,
  }));
}

function itemOf(row: CachedCaseRow): ItemTimeLimit | null {
  if (row.limit_days === null || row.limit_unit === null || row.item_code === null || row.department_code === null) return null;
  return { itemCode: row.item_code, departmentCode: row.department_code, promisedLimitDays: row.limit_days, limitUnit: row.limit_unit };
}

/** The verdict the cached row gives at `at`, without recomputing its timeline. */
function cachedVerdict(row: CachedCaseRow, rules: TimeRules, at: Date): VerdictRecord | null {
  const facts = row.facts as CaseFacts;
  if (typeof facts.status !== 'string') return null; // a row locked but never folded: no case yet
  const started = facts.status === 'open' || facts.status === 'paused' || facts.status === 'concluded';
  const limit = started && row.limit_days !== null && row.limit_unit !== null ? { limitDays: row.limit_days, limitUnit: row.limit_unit } : null;
  const timeline: Timeline | null = limit === null ? null : {
    deadline: dayOrNull(row.deadline), yellowFrom: dayOrNull(row.yellow_from),
    yellowCardOn: dayOrNull(row.yellow_card_on), redCardOn: dayOrNull(row.red_card_on),
  };
  const verdict = verdictFromTimeline({ ...facts, caseNo: row.case_no }, itemOf(row), limit, timeline, rules.current.calendar, localDayOf(at));
  return verdict as unknown as VerdictRecord;
}

/** An event as the ingest schema knows it: the stored query-password hash stands for the password. */
function checkEvent(event: Record<string, unknown>, index: number): CaseEvent {
  const { queryPasswordHash, ...rest } = event;
  const wire = structuredClone(queryPasswordHash === undefined ? rest : { ...rest, queryPassword: 'x' });
  const problem = checkSchema('case-event.schema.json', wire, `/events/${index}`);
  if (problem) throw new RangeError(`event ${String(event.eventId)}: ${problem.field} ${problem.problem}`);
  return event as unknown as CaseEvent;
}

/** What the supervision rules read of a declared item, checked. */
function ruleItem(item: DeclaredItem): RuleItem {
  const stages = item.stages.map((stage) => {
    if (!(STAGES as readonly string[]).includes(stage)) throw new RangeError(`item ${item.itemCode}: unknown stage ${stage}`);
    return stage as Stage;
  });
  for (const fee of item.fees) {
    if (typeof fee.code !== 'string' || !Number.isInteger(fee.amountFen) || fee.amountFen < 0) throw new RangeError(`item ${item.itemCode}: malformed fee`);
  }
  return { itemCode: item.itemCode, departmentCode: item.departmentCode, fees: item.fees, stages };
}

function caseLimit(limit: ReportedLimit | null): { limitDays: number; limitUnit: LimitUnit } | null {
  if (limit === null) return null;
  if (!(LIMIT_UNITS as readonly string[]).includes(limit.limitUnit)) throw new RangeError(`unknown limit unit ${limit.limitUnit}`);
  return { limitDays: limit.limitDays, limitUnit: limit.limitUnit as LimitUnit };
}

/**
 * The node's AuditHost: `rules` are this node's calendar and policy, as in force when called;
 * `sweep` brings the alerts of an audit page's cases up to the audit instant before the answer is
 * read (none: the alerts are reported as the scheduled sweeps left them).
 */
export function createAuditHost(rules: TimeRules, sweep: AuditSweep | null = null): AuditHost {
  return {
    casesForAudit,
    reportedAlerts,
    declaredItems,

    async refreshAlerts(sql, scope, at) {
      if (sweep === null) return;
      const { page } = await selectPage(sql, scope);
      if (page.length > 0) await sweep(page, at);
    },

    async reportedVerdicts(sql, caseNos, at) {
      const reported = new Map<string, VerdictRecord>();
      if (caseNos.length === 0) return reported;
      const rows = await sql.query<CachedCaseRow>(`SELECT case_no, item_code, department_code, limit_days, limit_unit, facts,
          deadline::text, yellow_from::text, yellow_card_on::text, red_card_on::text
        FROM cases WHERE case_no = ANY($1::text[])`, [[...caseNos]]);
      for (const row of rows) {
        const verdict = cachedVerdict(row, rules, at);
        if (verdict !== null) reported.set(row.case_no, verdict);
      }
      return reported;
    },

    recompute(caseNo, events, limit, at) {
      const checked = events.map(checkEvent);
      const facts = foldCaseEvents(checked, at);
      if (checked.length > 0 && facts.caseNo !== caseNo) throw new RangeError(`events belong to case ${facts.caseNo}, not ${caseNo}`);
      facts.caseNo = caseNo;
      if (limit !== null && !(LIMIT_UNITS as readonly string[]).includes(limit.limitUnit)) throw new RangeError(`unknown limit unit ${limit.limitUnit}`);
      // The item's committed limit stands in from the report; a promisedLimitDays in the accepted
      // event still overrides it (resolveLimit), so that one is checked against the events.
      const item: ItemTimeLimit | null = limit === null || facts.itemCode === null || facts.departmentCode === null ? null : {
        itemCode: facts.itemCode, departmentCode: facts.departmentCode, promisedLimitDays: limit.limitDays, limitUnit: limit.limitUnit as LimitUnit,
      };
      return verdictFromFacts(facts, item, rules.current.calendar, rules.current.policy, localDayOf(at)) as unknown as VerdictRecord;
    },

    recomputeFindings(caseNo, events, item, limit, at) {
      const received: ReceivedEvent[] = events.map(({ event, receivedAt }, index) => ({ event: checkEvent(event, index), receivedAt }));
      const snapshot = rules.current;
      const outcome = evaluateRules({
        caseNo, events: received, item: item === null ? null : ruleItem(item), limit: caseLimit(limit), calendar: snapshot.calendar, policy: snapshot.policy, at,
      });
      return outcome.findings.map((finding) => ({ rule: finding.rule, ruleVersion: finding.ruleVersion, foundAt: finding.foundAt }));
    },
  };
}

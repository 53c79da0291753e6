/**
 * What re-supervision (federation/audit) needs of the node: on the audited side, the cases in an
 * audit's scope with their witnessed events, and the verdicts the node reports for them from its
 * cached case state; on the auditing side, the shared time-limit rules to recompute with.
 *
 * The reported verdict is the one the cached row gives (its folded facts, the limit fixed at
 * acceptance and the timeline dates): the state the board, the light filters and the summaries
 * sent upward are computed from. Editing that row, or an event, shows up in an audit.
 */
import { dayFromIso, localDayOf, startOfLocalDayIso, type DayNumber } from '../calendar/local-date.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { checkSchema } from '../http/validation.ts';
import { foldCaseEvents, type CaseFacts } from '../timelimits/case-facts.ts';
import type { Timeline } from '../timelimits/timeline.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { verdictFromFacts, verdictFromTimeline, type ItemTimeLimit } from '../timelimits/verdict.ts';
import { LIMIT_UNITS, type CaseEvent, type LimitUnit } from './case-event.ts';
import type { AuditHost, AuditScope, ScopedCase, VerdictRecord } from '../../federation/audit/audit-types.ts';

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

/** The cases of one audit page: selected by their witnessed events, then every event of each read. */
async function casesForAudit(sql: SqlRunner, scope: AuditScope): Promise<{ cases: ScopedCase[]; nextAfter: string | null }> {
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
  const nextAfter = selected.length > scope.limit ? page.at(-1)! : null;
  if (page.length === 0) return { cases: [], nextAfter: null };

  const rows = await sql.query<{ case_no: string; log_index: string | null; payload: Record<string, unknown> }>(
    'SELECT case_no, log_index, payload FROM case_events WHERE case_no = ANY($1::text[]) ORDER BY case_no, log_index', [page]);
  const byCase = new Map<string, ScopedCase>(page.map((caseNo) => [caseNo, { caseNo, events: [], unwitnessedEvents: 0 }]));
  for (const row of rows) {
    const scoped = byCase.get(row.case_no)!;
    const leafIndex = row.log_index === null ? null : Number(row.log_index);
    if (leafIndex !== null && leafIndex < scope.treeSize) scoped.events.push({ leafIndex, event: row.payload });
    else scoped.unwitnessedEvents += 1;
  }
  return { cases: page.map((caseNo) => byCase.get(caseNo)!), nextAfter };
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

/** The node's AuditHost: `rules` are this node's calendar and policy, as in force when called. */
export function createAuditHost(rules: TimeRules): AuditHost {
  return {
    casesForAudit,

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
  };
}

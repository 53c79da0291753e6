/**
 * This node's own summary rows (federation/PROTOCOL.md, "Summaries and rollups"), recomputed in
 * full from the cached case states in `cases` and the alerts in `alerts` with one set-based
 * statement: a pre-aggregated scan per kind of fact (acceptance, conclusion or refusal, each card,
 * the open cases, alerts raised, notices issued, alerts closed, the standing notices), added up
 * per department, item and day.
 *
 * Definitions (local dates in Asia/Shanghai; today = the local date of `asOf`):
 * - accepted: accepted_day of a case that was accepted (open, paused or concluded);
 * - notAccepted: the refusal day of a notAccepted case (folded into concluded_day, see case-facts);
 * - concluded / onTime / early / late: concluded_day of a concluded case, against its deadline;
 * - yellowCards / redCards: on the card day, when that day <= today and the card was really issued
 *   (the case is still open or paused, or was concluded on or after the card day);
 * - alertsRaised: every alert, on the local date of raised_at (whatever its status now);
 * - noticesIssued: every alert with a notice, on the local date of notice_issued_at;
 * - alertsAccepted / alertsRejected / alertsRevoked: alerts whose status now is accepted, rejected
 *   or revoked, on the local date of closed_at;
 * - open / green / yellow / red / paused: only on today's row, at `asOf` with the same conditions
 *   as the board (case-verdicts `boardAt`);
 * - noticesOpen (alerts with a notice in status notified, explained or appealed), noticesOverdue
 *   (status notified and notice_due_on < today) and noticesEscalated (status escalated): only on
 *   today's row, from the alerts as they are;
 * - rows of other days keep the state counts stored for them, which froze when their day ended.
 * Alerts carry their department and item; one without an item (a case whose intake named an item
 * the node does not know) counts nowhere, like a case without one.
 *
 * Counts read the case states and alerts as they are now (all events received), which is the
 * state at `asOf` when `asOf` is the present, as it is for the sync job.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isoFromDay, localDayOf } from '../calendar/local-date.ts';
import { query, transactionRunner, type SqlRunner } from '../core/db.ts';
import {
  applySummaries, COUNT_COLUMNS, SUMMARY_COUNTS, STATE_COUNTS, compareSummaryRows, type SummaryCount,
  type SummaryRow,
} from '../../federation/index.ts';

const columns = (counts: readonly SummaryCount[]): string => counts.map((count) => `"${COUNT_COLUMNS[count]}"`).join(', ');

/**
 * One branch of the union: `values` gives some counts by name, the others are 0; the branch reads
 * the cases or rows `from` and groups by department, item and the expression `day`.
 */
function branch(day: string, values: Partial<Record<SummaryCount, string>>, from: string, groupBy = true): string {
  const list = SUMMARY_COUNTS.map((count) => `${values[count] ?? '0'} AS "${COUNT_COLUMNS[count]}"`).join(', ');
  return `SELECT department_code, item_code, ${day} AS day, ${list} FROM ${from}${groupBy ? ' GROUP BY department_code, item_code, 3' : ''}`;
}

/** The local date (Asia/Shanghai, no daylight saving) of a timestamptz column. */
const localDay = (column: string): string => `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;

const n = (condition = ''): string => `count(*)${condition ? ` FILTER (WHERE ${condition})` : ''}::int`;

/** A card due by today ($2) that the case really got: still open, or concluded on or after the card day. */
const cardCases = (column: string): string =>
  `cases WHERE ${column} <= $2::date AND (status IN ('open', 'paused') OR (status = 'concluded' AND concluded_day >= ${column}))`;

/**
 * `computed`: every row of this node ($1) with today = $2, as CTEs to prefix a statement with.
 * One branch per kind of fact, each a scan of `cases` or `alerts` that PostgreSQL runs in parallel and
 * pre-aggregates (several plain scans beat one scan that fans each case out into a row per fact),
 * plus the frozen state counts of other days; the outer aggregation adds the branches up.
 * Light conditions as in case-verdicts `lightSql`, at t = today; a case accepted, open, paused,
 * concluded or refused always has its department and item.
 */
const COMPUTED_CTES = `parts AS (
    ${branch('accepted_day', { accepted: n() }, "cases WHERE status IN ('open', 'paused', 'concluded')")}
    UNION ALL
    ${branch('concluded_day', {
      notAccepted: n("status = 'notAccepted'"),
      concluded: n("status = 'concluded'"),
      onTime: n("status = 'concluded' AND concluded_day <= deadline"),
      early: n("status = 'concluded' AND concluded_day < deadline"),
      late: n("status = 'concluded' AND concluded_day > deadline"),
    }, "cases WHERE status IN ('concluded', 'notAccepted')")}
    UNION ALL
    ${branch('yellow_card_on', { yellowCards: n() }, cardCases('yellow_card_on'))}
    UNION ALL
    ${branch('red_card_on', { redCards: n() }, cardCases('red_card_on'))}
    UNION ALL
    ${branch('$2::date', {
      open: n(),
      green: n('deadline IS NOT NULL AND $2::date < yellow_from'),
      yellow: n('deadline IS NOT NULL AND $2::date <= deadline AND $2::date >= yellow_from'),
      red: n('deadline IS NOT NULL AND $2::date > deadline'),
      paused: n('deadline IS NULL'),
    }, "cases WHERE status IN ('open', 'paused')")}
    UNION ALL
    ${branch(localDay('raised_at'), { alertsRaised: n() }, 'alerts')}
    UNION ALL
    ${branch(localDay('notice_issued_at'), { noticesIssued: n() }, 'alerts WHERE notice_issued_at IS NOT NULL')}
    UNION ALL
    ${branch(localDay('closed_at'), {
      alertsAccepted: n("status = 'accepted'"),
      alertsRejected: n("status = 'rejected'"),
      alertsRevoked: n("status = 'revoked'"),
    }, "alerts WHERE status IN ('accepted', 'rejected', 'revoked') AND closed_at IS NOT NULL")}
    UNION ALL
    ${branch('$2::date', {
      noticesOpen: n("notice_no IS NOT NULL AND status IN ('notified', 'explained', 'appealed')"),
      noticesOverdue: n("status = 'notified' AND notice_due_on < $2::date"),
      noticesEscalated: n("status = 'escalated'"),
    }, "alerts WHERE status IN ('notified', 'explained', 'appealed', 'escalated')")}
    UNION ALL
    ${branch('day', Object.fromEntries(STATE_COUNTS.map((count) => [count, `"${COUNT_COLUMNS[count]}"`])),
      `rollup_summaries WHERE node_code = $1 AND day <> $2::date AND (${columns(STATE_COUNTS)}) <> (${STATE_COUNTS.map(() => '0').join(', ')})`, false)}),
  computed AS (
    SELECT department_code, item_code, day, ${SUMMARY_COUNTS.map((count) => `sum("${COUNT_COLUMNS[count]}")::int AS "${COUNT_COLUMNS[count]}"`).join(', ')}
    FROM parts
    WHERE department_code IS NOT NULL AND item_code IS NOT NULL AND day IS NOT NULL
    GROUP BY department_code, item_code, day)`;

interface ComputedRow {
  department_code: string;
  item_code: string;
  day: string;
  [column: string]: string | number;
}

const returnedColumns = `department_code, item_code, day::text AS day, ${columns(SUMMARY_COUNTS)}`;

function toSummaryRow(nodeCode: string, row: ComputedRow): SummaryRow {
  const summary = { node: nodeCode, departmentCode: row.department_code, itemCode: row.item_code, day: row.day } as SummaryRow;
  for (const count of SUMMARY_COUNTS) summary[count] = Number(row[COUNT_COLUMNS[count]]);
  return summary;
}

const todayOf = (asOf: Date): string => isoFromDay(localDayOf(asOf));

/**
 * Every non-zero summary row of this node at `asOf`, sorted by department, item and day: a full
 * recomputation from `cases`, with the frozen state counts of other days read from
 * `rollup_summaries`. Writes nothing.
 */
export async function computeOwnSummaries(em: EntityManager, nodeCode: string, asOf: Date): Promise<SummaryRow[]> {
  const rows = await query<ComputedRow>(em, `WITH ${COMPUTED_CTES}
    SELECT ${returnedColumns} FROM computed`, [nodeCode, todayOf(asOf)]);
  return rows.map((row) => toSummaryRow(nodeCode, row)).sort(compareSummaryRows);
}

// Serialises concurrent runs for the rest of their transaction ("rollup_summaries own").
const OWN_SUMMARIES_LOCK = "hashtext('rollup_summaries own')";

const computedValues = SUMMARY_COUNTS.map((count) => `coalesce(c."${COUNT_COLUMNS[count]}", 0)`).join(', ');
const storedValues = SUMMARY_COUNTS.map((count) => `coalesce(s."${COUNT_COLUMNS[count]}", 0)`).join(', ');

/**
 * Recomputes this node's rows at `asOf`, stores those that differ from the stored ones, and
 * answers them (sorted): the rows the next batch must carry. A stored row that no longer has any
 * case becomes a zero row, stored and answered as such, so the parent zeroes it too. With no case
 * changed since the last call it answers [] (the comparison treats a missing row as zero).
 *
 * Joins the caller's transaction when there is one (the sync job's, which puts the answer in the
 * outbox batch), so rows count as sent only if the batch commits; concurrent calls queue on an
 * advisory lock.
 */
export async function changedOwnSummaries(em: EntityManager, nodeCode: string, asOf: Date): Promise<SummaryRow[]> {
  return em.transactional((tx) => changedOwnSummariesIn(transactionRunner(tx), nodeCode, asOf), { propagation: 'required' });
}

/**
 * {@link changedOwnSummaries} over a `SqlRunner` that is already inside a transaction (for
 * example the one `FederationContext.transaction` opens for the batch): federation code gets it
 * passed in at wiring time. Outside a transaction the lock and the write would not hold together.
 */
export async function changedOwnSummariesIn(sql: SqlRunner, nodeCode: string, asOf: Date): Promise<SummaryRow[]> {
  await sql.query(`SELECT pg_advisory_xact_lock(${OWN_SUMMARIES_LOCK})`);
  // A plain SELECT, so that PostgreSQL scans in parallel (a data-modifying statement never does);
  // only the changed rows come back, and they are usually few.
  const rows = await sql.query<ComputedRow>(`WITH ${COMPUTED_CTES}
    SELECT department_code, item_code, day::text AS day,
      ${SUMMARY_COUNTS.map((count) => `coalesce(c."${COUNT_COLUMNS[count]}", 0) AS "${COUNT_COLUMNS[count]}"`).join(', ')}
    FROM computed c FULL JOIN (SELECT * FROM rollup_summaries WHERE node_code = $1) s USING (department_code, item_code, day)
    WHERE (${computedValues}) IS DISTINCT FROM (${storedValues})`, [nodeCode, todayOf(asOf)]);
  const changed = rows.map((row) => toSummaryRow(nodeCode, row)).sort(compareSummaryRows);
  await applySummaries(sql, changed, asOf);
  return changed;
}

/**
 * Summary rows in PostgreSQL (`rollup_summaries`): applying rows that arrive from below, the
 * subtree of a node in the registry (`federation_nodes`), and sums over a subtree and a range of
 * days. Rows of this node itself live in the same table under its own code.
 */
import type { SqlRunner } from '../sql-runner.ts';
import {
  COUNT_COLUMNS, SUMMARY_COUNTS, addCounts, compareSummaryRows, summaryKey, summaryRowProblem, withAlertCountDefaults, zeroCounts,
  type SummaryCounts, type SummaryRow,
} from './summary-row.ts';

export const ROLLUP_GROUPS = ['node', 'department', 'item'] as const;
export type RollupGroup = (typeof ROLLUP_GROUPS)[number];

export interface RollupQuery {
  /** First day, 'YYYY-MM-DD', inclusive. */
  from: string;
  /** Last day, 'YYYY-MM-DD', inclusive. */
  to: string;
  groupBy: RollupGroup;
  /** Node codes whose rows count (usually `subtreeCodes` of one node). */
  nodes: readonly string[];
}

export type RollupItem = { key: string } & SummaryCounts;

export interface RollupResult {
  items: RollupItem[];
  totals: SummaryCounts;
}

// Rows per statement: 21 counts and 4 keys a row keep one JSON document within a few MB.
const CHUNK_ROWS = 5000;

const columnList = SUMMARY_COUNTS.map((count) => `"${COUNT_COLUMNS[count]}"`).join(', ');
const recordColumns = SUMMARY_COUNTS.map((count) => `"${count}" int`).join(', ');
const selectCounts = SUMMARY_COUNTS.map((count) => `r."${count}"`).join(', ');
const updateSet = SUMMARY_COUNTS.map((count) => `"${COUNT_COLUMNS[count]}" = excluded."${COUNT_COLUMNS[count]}"`).join(', ');
const storedTuple = SUMMARY_COUNTS.map((count) => `rollup_summaries."${COUNT_COLUMNS[count]}"`).join(', ');
const excludedTuple = SUMMARY_COUNTS.map((count) => `excluded."${COUNT_COLUMNS[count]}"`).join(', ');

/**
 * Stores rows as they are (absolute values, upsert by key) and answers how many rows were
 * inserted or changed. A row equal to the stored one is left alone (its `updated_at` too), so
 * applying the same rows twice changes nothing. Within `rows` the last row of a key wins. A row
 * without the alert counts (sent before they existed) has them as 0.
 *
 * The caller decides whether the sender may speak for each row's node (a child for its own
 * subtree only), and runs this in the transaction that records the batch.
 * @throws RangeError naming the row and field when a row is malformed.
 */
export async function applySummaries(sql: SqlRunner, rows: readonly SummaryRow[], now: Date): Promise<number> {
  const byKey = new Map<string, SummaryRow>();
  rows.forEach((given, index) => {
    const row = withAlertCountDefaults(given);
    const problem = summaryRowProblem(row);
    if (problem) throw new RangeError(`summary row ${index}: ${problem.field} ${problem.problem}`);
    byKey.set(summaryKey(row), row);
  });
  // Key order (here and in the INSERT): concurrent appliers lock rows in the same order instead of deadlocking.
  const ordered = [...byKey.values()].sort(compareSummaryRows);
  let changed = 0;
  for (let start = 0; start < ordered.length; start += CHUNK_ROWS) {
    const chunk = ordered.slice(start, start + CHUNK_ROWS);
    const written = await sql.query<{ n: number }>(`WITH written AS (
        INSERT INTO rollup_summaries (node_code, department_code, item_code, day, ${columnList}, updated_at)
        SELECT r.node, r."departmentCode", r."itemCode", r.day, ${selectCounts}, $2
        FROM jsonb_to_recordset($1::jsonb) AS r(node text, "departmentCode" text, "itemCode" text, day date, ${recordColumns})
        ORDER BY r.node, r."departmentCode", r."itemCode", r.day
        ON CONFLICT (node_code, department_code, item_code, day) DO UPDATE SET ${updateSet}, updated_at = excluded.updated_at
        WHERE (${storedTuple}) IS DISTINCT FROM (${excludedTuple})
        RETURNING 1)
      SELECT count(*)::int AS n FROM written`, [JSON.stringify(chunk), now]);
    changed += written[0]?.n ?? 0;
  }
  return changed;
}

/**
 * `code` and every node whose chain of `parent_code` in `federation_nodes` reaches it, sorted.
 * A code the registry does not know is answered alone.
 */
export async function subtreeCodes(sql: SqlRunner, code: string): Promise<string[]> {
  // UNION (not UNION ALL) stops at codes already seen, so a broken registry with a cycle still ends.
  const rows = await sql.query<{ code: string }>(`WITH RECURSIVE subtree(code) AS (
      SELECT $1::varchar
      UNION
      SELECT n.code FROM federation_nodes n JOIN subtree s ON n.parent_code = s.code)
    SELECT code FROM subtree ORDER BY code`, [code]);
  return rows.map((row) => row.code);
}

const GROUP_COLUMN: Readonly<Record<RollupGroup, string>> = { node: 'node_code', department: 'department_code', item: 'item_code' };
const sumColumns = SUMMARY_COUNTS.map((count) => `sum("${COUNT_COLUMNS[count]}")::bigint AS "${count}"`).join(', ');

type SumRow = { key: string } & Record<string, string | number>;

/**
 * Sums every count of the rows of `nodes` with from <= day <= to, one item per group key (sorted
 * by key), and the totals over all of them. State counts summed over several days are case-days
 * (在办件日); ask for a single day to read how many cases were open at its end.
 */
export async function queryRollups(sql: SqlRunner, query: RollupQuery): Promise<RollupResult> {
  const totals = zeroCounts();
  if (query.nodes.length === 0) return { items: [], totals };
  const column = GROUP_COLUMN[query.groupBy];
  const rows = await sql.query<SumRow>(`SELECT ${column} AS key, ${sumColumns}
    FROM rollup_summaries
    WHERE node_code = ANY($1::varchar[]) AND day BETWEEN $2::date AND $3::date
    GROUP BY ${column}
    ORDER BY ${column} COLLATE "C"`, [[...query.nodes], query.from, query.to]);
  const items = rows.map((row) => {
    const item: RollupItem = { key: row.key, ...zeroCounts() };
    // sum() of int is bigint, which the driver answers as a string.
    for (const count of SUMMARY_COUNTS) item[count] = Number(row[count]);
    addCounts(totals, item);
    return item;
  });
  return { items, totals };
}

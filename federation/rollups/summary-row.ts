/**
 * One summary row (federation/PROTOCOL.md, "Summaries and rollups"; wire schema
 * `schemas/federation/summary-row.schema.json`): the counts of one node's department and item on
 * one local day. Flow counts say what happened that day; state counts say how many cases were open
 * (and how many supervision notices stood open) at the end of that day, as of the time the row was
 * computed. Values are absolute: a later row with the same key replaces the earlier one.
 */

/** Flow counts of cases: events of the day (cards by the day they were issued). */
export const CASE_FLOW_COUNTS = ['accepted', 'notAccepted', 'concluded', 'onTime', 'early', 'late', 'yellowCards', 'redCards'] as const;
/**
 * Flow counts of alerts (预警) and supervision notices (督办单): alerts raised that day, notices
 * issued that day, alerts closed that day by how they closed.
 */
export const ALERT_FLOW_COUNTS = ['alertsRaised', 'noticesIssued', 'alertsAccepted', 'alertsRejected', 'alertsRevoked'] as const;
/** Flow counts: what happened that day. */
export const FLOW_COUNTS = [...CASE_FLOW_COUNTS, ...ALERT_FLOW_COUNTS] as const;

/** State counts of cases: open cases at the end of the day, by light (the board's counts). */
export const LIGHT_COUNTS = ['open', 'green', 'yellow', 'red', 'paused'] as const;
/** State counts of notices: open, overdue and escalated notices at the end of the day. */
export const NOTICE_STATE_COUNTS = ['noticesOpen', 'noticesOverdue', 'noticesEscalated'] as const;
/** State counts: only on the row of the day they were computed on; frozen once that day is over. */
export const STATE_COUNTS = [...LIGHT_COUNTS, ...NOTICE_STATE_COUNTS] as const;

/** The counts a row carries, in wire order. */
export const SUMMARY_COUNTS = [...FLOW_COUNTS, ...STATE_COUNTS] as const;
export type SummaryCount = (typeof SUMMARY_COUNTS)[number];

/**
 * The counts added with supervision alerts (issue 4): a row without them (sent before they
 * existed) reads them as 0, here and in the wire schema (`default: 0`).
 */
export const ALERT_COUNTS = [...ALERT_FLOW_COUNTS, ...NOTICE_STATE_COUNTS] as const;

export type SummaryCounts = Record<SummaryCount, number>;

export interface SummaryKey {
  /** 行政区划代码 of the node that supervises the department. */
  node: string;
  departmentCode: string;
  itemCode: string;
  /** Local date (Asia/Shanghai), 'YYYY-MM-DD'. */
  day: string;
}

export type SummaryRow = SummaryKey & SummaryCounts;

/** Database column of each count (rollup_summaries). */
export const COUNT_COLUMNS: Readonly<Record<SummaryCount, string>> = {
  accepted: 'accepted', notAccepted: 'not_accepted', concluded: 'concluded', onTime: 'on_time', early: 'early',
  late: 'late', yellowCards: 'yellow_cards', redCards: 'red_cards', alertsRaised: 'alerts_raised', noticesIssued: 'notices_issued',
  alertsAccepted: 'alerts_accepted', alertsRejected: 'alerts_rejected', alertsRevoked: 'alerts_revoked', open: 'open', green: 'green',
  yellow: 'yellow', red: 'red', paused: 'paused', noticesOpen: 'notices_open', noticesOverdue: 'notices_overdue',
  noticesEscalated: 'notices_escalated',
};

/** Every count zero. */
export function zeroCounts(): SummaryCounts {
  return Object.fromEntries(SUMMARY_COUNTS.map((count) => [count, 0])) as SummaryCounts;
}

/**
 * `row` with every count of {@link ALERT_COUNTS} it lacks set to 0 (a fresh object when one was
 * missing): a row from before alerts were summarised reads as one with no alerts.
 */
export function withAlertCountDefaults<T>(row: T): T {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return row;
  const value = row as Record<string, unknown>;
  const missing = ALERT_COUNTS.filter((count) => value[count] === undefined);
  if (missing.length === 0) return row;
  return { ...value, ...Object.fromEntries(missing.map((count) => [count, 0])) } as T;
}

/** Adds `more` into `into` (in place) and answers `into`. */
export function addCounts(into: SummaryCounts, more: SummaryCounts): SummaryCounts {
  for (const count of SUMMARY_COUNTS) into[count] += more[count];
  return into;
}

/** Just the counts of a row (a fresh object). */
export function countsOf(row: SummaryCounts): SummaryCounts {
  const counts = zeroCounts();
  for (const count of SUMMARY_COUNTS) counts[count] = row[count];
  return counts;
}

export function sameCounts(a: SummaryCounts, b: SummaryCounts): boolean {
  return SUMMARY_COUNTS.every((count) => a[count] === b[count]);
}

export function isZeroRow(row: SummaryCounts): boolean {
  return SUMMARY_COUNTS.every((count) => row[count] === 0);
}

/** The identity of a row: equal keys name the same row. */
export function summaryKey(row: SummaryKey): string {
  return `${row.node}\u0000${row.departmentCode}\u0000${row.itemCode}\u0000${row.day}`;
}

/** Order of rows in answers and batches: node, department, item, day. */
export function compareSummaryRows(a: SummaryKey, b: SummaryKey): number {
  for (const field of ['node', 'departmentCode', 'itemCode', 'day'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CODE = /^[A-Za-z0-9._:-]{1,64}$/;
const NODE = /^\d{6}$/;
/** rollup_summaries columns are int. */
const MAX_COUNT = 2_147_483_647;

/** True when `value` is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDay(value: string): boolean {
  const m = DAY.exec(value);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/**
 * What is wrong with a row, as `{field, problem}`, or null when it is well formed: the checks of
 * the wire schema, for callers that hold rows from elsewhere than a validated document. Like the
 * schema, it lets the alert counts be absent (read as 0: {@link withAlertCountDefaults}).
 */
export function summaryRowProblem(row: unknown): { field: string; problem: string } | null {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return { field: '', problem: 'must be an object' };
  const value = row as Record<string, unknown>;
  if (typeof value.node !== 'string' || !NODE.test(value.node)) return { field: 'node', problem: 'must be a 6-digit division code' };
  for (const field of ['departmentCode', 'itemCode'] as const) {
    const code = value[field];
    if (typeof code !== 'string' || !CODE.test(code)) return { field, problem: 'must be a code of 1-64 letters, digits or ._:-' };
  }
  if (typeof value.day !== 'string' || !isIsoDay(value.day)) return { field: 'day', problem: 'must be a date YYYY-MM-DD' };
  for (const count of SUMMARY_COUNTS) {
    const n = value[count];
    if (n === undefined && (ALERT_COUNTS as readonly string[]).includes(count)) continue; // a row from before alerts: 0
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_COUNT) return { field: count, problem: `must be an integer from 0 to ${MAX_COUNT}` };
  }
  return null;
}

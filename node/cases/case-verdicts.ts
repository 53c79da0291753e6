/**
 * Verdicts on demand. One case: always recomputed from its events as they stood at `at`. Lists and
 * the board: the cached timeline columns answer for every case whose last event occurred by `at`
 * (its facts then are its facts now); the few cases with events after `at` are recomputed from
 * their events, so a question about the past gets the answer the past would have given.
 *
 * The board sums `open_timeline_counts` (open cases counted per department and timeline, kept by
 * triggers on `cases`); a light list with few timelines (yellow, green) reads them one by one from
 * an index in case-number order, a common light walks the open cases, the paused have their own index.
 */
import { isoLocal } from '../core/instants.ts';
import type { DepartmentScope } from '../access/access-scope.ts';
import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import { isoFromDay, localDayOf, type DayNumber } from '../calendar/local-date.ts';
import { query } from '../core/db.ts';
import { evaluateCase, verdictFromFacts, type ItemTimeLimit, type Verdict } from '../timelimits/verdict.ts';
import { foldCaseEvents, type CaseFacts, type CaseStatus } from '../timelimits/case-facts.ts';
import type { Light } from '../timelimits/timeline.ts';
import type { TimeRulesSnapshot } from '../timelimits/time-rules.ts';
import type { CaseEvent, LimitUnit } from './case-event.ts';
import { loadCaseEvents } from './case-store.ts';
import type { StoredEvent } from './event-content.ts';

interface CaseRow {
  case_no: string;
  item_code: string | null;
  department_code: string | null;
  limit_days: number | null;
  limit_unit: LimitUnit | null;
  facts: CaseFacts;
}

export interface CaseFilter {
  light: Light | null;
  status: CaseStatus | null;
  departmentCode: string | null;
  itemCode: string | null;
  /** The caller's departments (null: the whole node); cases of other departments are never read. */
  departments: DepartmentScope;
}

/** Chunk of stale cases recomputed at a time, bounding memory for questions about the far past. */
const STALE_CHUNK = 500;

const CASE_COLUMNS = 'case_no, item_code, department_code, limit_days, limit_unit, facts';

/**
 * Most timelines a light may span for its page to be looked up timeline by timeline. A light of
 * more timelines is a common one (red, after a year of overdue cases): walking the open cases in
 * case-number order finds its page sooner.
 */
const MAX_TIMELINES = 256;

/**
 * Runs `work` on one snapshot (a read-only repeatable-read transaction unless the caller already
 * holds one), so the counts, the cached rows and the events it reads agree with each other.
 */
async function onOneSnapshot<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) return work(em);
  return em.transactional(work, { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
}

function itemOf(row: CaseRow): ItemTimeLimit | null {
  if (row.limit_days === null || row.limit_unit === null || row.item_code === null || row.department_code === null) return null;
  return { itemCode: row.item_code, departmentCode: row.department_code, promisedLimitDays: row.limit_days, limitUnit: row.limit_unit };
}

/** An event as shown to callers: the stored form without the query-password hash. */
export function presentEvent(event: StoredEvent): Record<string, unknown> {
  const { queryPasswordHash, ...shown } = event as StoredEvent & { queryPasswordHash?: string };
  return queryPasswordHash ? { ...shown, queryPasswordSet: true } : shown;
}

/** One case's verdict at `at` with the events counted; null when the node has no such case at `at`. */
export async function caseVerdict(em: EntityManager, rules: TimeRulesSnapshot, caseNo: string, at: Date, departments: DepartmentScope): Promise<(Verdict & { events: Record<string, unknown>[] }) | null> {
  const [row] = await query<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM cases
    WHERE case_no = $1 AND ($2::text[] IS NULL OR department_code = ANY($2::text[]))`, [caseNo, departments]);
  if (!row) return null;
  const stored = (await loadCaseEvents(em, [caseNo])).get(caseNo) ?? [];
  const atMs = at.getTime();
  const counted = stored
    .filter((event) => Date.parse(event.occurredAt) <= atMs)
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  // Before its first event the case did not exist yet: the same answer the list gives.
  if (counted.length === 0) return null;
  const verdict = evaluateCase({ caseNo, events: counted as CaseEvent[], item: itemOf(row), calendar: rules.calendar, policy: rules.policy, at });
  return { ...verdict, events: counted.map(presentEvent) };
}

/** SQL condition on the cached columns for a light at the date in parameter `t` (cases open or paused now). */
function lightSql(light: Light, t: string): string {
  switch (light) {
    case 'paused': return 'deadline IS NULL';
    case 'red': return `deadline IS NOT NULL AND ${t}::date > deadline`;
    case 'yellow': return `deadline IS NOT NULL AND ${t}::date <= deadline AND ${t}::date >= yellow_from`;
    case 'green': return `deadline IS NOT NULL AND ${t}::date < yellow_from`;
  }
}

/** A WHERE clause whose values are bound as numbered parameters. */
class Conditions {
  readonly params: unknown[] = [];
  readonly parts: string[] = [];
  /** Binds a value and answers its placeholder. */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(sql: string): void {
    this.parts.push(sql);
  }
  sql(): string {
    return this.parts.join(' AND ');
  }
}

function matches(verdict: Verdict, filter: CaseFilter): boolean {
  return (filter.status === null || verdict.status === filter.status) && (filter.light === null || verdict.light === filter.light);
}

/** Recomputes, at `at`, cases whose events continue after it. */
async function staleVerdicts(em: EntityManager, rules: TimeRulesSnapshot, rows: CaseRow[], at: Date): Promise<Verdict[]> {
  const events = await loadCaseEvents(em, rows.map((row) => row.case_no));
  const atDay = localDayOf(at);
  return rows.map((row) => {
    const facts = foldCaseEvents((events.get(row.case_no) ?? []) as CaseEvent[], at);
    facts.caseNo = row.case_no;
    return verdictFromFacts(facts, itemOf(row), rules.calendar, rules.policy, atDay);
  });
}

export interface VerdictPage {
  items: Verdict[];
  nextCursor: string | null;
}

/** A timeline shared by open cases (the key of `open_timeline_counts` the light lists look up by). */
interface TimelineKey {
  department_code: string | null;
  deadline: string | null;
  yellow_from: string | null;
}

/**
 * The department and timeline of every open case whose light at `day` is `light` (within the
 * filter's departments), from `open_timeline_counts`; null when its rows are more than
 * {@link MAX_TIMELINES} or one lacks a department or a date the index lookup needs.
 */
async function timelinesOfLight(em: EntityManager, light: Exclude<Light, 'paused'>, day: string, filter: CaseFilter): Promise<TimelineKey[] | null> {
  // Rows differ from timelines only by card days (a function of the deadline) and as deltas not yet
  // compacted (a key summing to zero only costs an index probe that finds nothing): no grouping,
  // so a common light stops the scan at the limit instead of grouping every row first.
  const rows = await query<TimelineKey>(em, `SELECT department_code, deadline::text, yellow_from::text FROM open_timeline_counts
    WHERE ${lightSql(light, '$1')} AND ($2::text IS NULL OR department_code = $2) AND ($3::text[] IS NULL OR department_code = ANY($3::text[]))
    LIMIT ${MAX_TIMELINES + 1}`, [day, filter.departmentCode, filter.departments]);
  if (rows.length > MAX_TIMELINES) return null;
  if (!rows.every((key) => key.department_code !== null && key.deadline !== null && key.yellow_from !== null)) return null;
  const keys = new Map(rows.map((key) => [`${key.department_code}/${key.deadline}/${key.yellow_from}`, key]));
  return [...keys.values()];
}

/** Case numbers of at least one entry: above every `[\x21-\x7e]` case number (collation C). */
const ABOVE_ALL = '\x7f';
/** Case numbers first read from each timeline: most pages come from a few timelines, so most reads stop here. */
const FIRST_FEW = 8;

/**
 * The first `n` case numbers, in order, of the open cases of `timelines` that meet `where`. Each
 * timeline is an index range already in case-number order. Its first few are read; the n-th
 * smallest of them bounds the page, and only timelines cut off below that bound are read again,
 * up to it. (Reading n of every timeline at once costs n rows per timeline, nearly all thrown away.)
 */
async function pageOfTimelines(em: EntityManager, timelines: TimelineKey[], where: Conditions, n: number): Promise<string[]> {
  const read = async (keys: TimelineKey[], after: string[], upTo: string, take: number): Promise<Map<number, string[]>> => {
    const bound = new Conditions();
    bound.params.push(...where.params);
    const rows = await query<{ i: string; case_no: string }>(em, `SELECT g.i, k.case_no
      FROM unnest(${bound.bind(keys.map((key) => key.department_code))}::text[], ${bound.bind(keys.map((key) => key.deadline))}::date[],
        ${bound.bind(keys.map((key) => key.yellow_from))}::date[], ${bound.bind(after)}::text[]) WITH ORDINALITY AS g(department_code, deadline, yellow_from, after, i)
      CROSS JOIN LATERAL (SELECT case_no FROM cases WHERE status IN ('open', 'paused') AND department_code = g.department_code
        AND deadline = g.deadline AND yellow_from = g.yellow_from AND case_no > g.after AND case_no <= ${bound.bind(upTo)}
        AND ${where.sql()} ORDER BY case_no LIMIT ${take}) AS k`, bound.params);
    const byKey = new Map<number, string[]>();
    for (const row of rows) {
      const i = Number(row.i) - 1;
      const list = byKey.get(i);
      if (list) list.push(row.case_no);
      else byKey.set(i, [row.case_no]);
    }
    return byKey;
  };
  const byOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

  const first = await read(timelines, timelines.map(() => ''), ABOVE_ALL, FIRST_FEW);
  const merged = [...first.values()].flat().sort(byOrder);
  const bound = merged.length >= n ? merged[n - 1]! : ABOVE_ALL;
  // Cut off below the bound: the timeline may hold more of the page.
  const again = [...first].filter(([, caseNos]) => caseNos.length === FIRST_FEW && caseNos.at(-1)! < bound).map(([i]) => i);
  if (again.length > 0) {
    const more = await read(again.map((i) => timelines[i]!), again.map((i) => first.get(i)!.at(-1)!), bound, n);
    for (const caseNos of more.values()) merged.push(...caseNos);
    merged.sort(byOrder);
  }
  return merged.slice(0, n);
}

/**
 * The first `limit + 1` fresh open cases (in case-number order) with `light` at `atDay` that also
 * meet `where`. A light of few timelines is read timeline by timeline ({@link pageOfTimelines});
 * otherwise the open cases are walked in case-number order, testing the dates on the way.
 */
async function freshLightPage(em: EntityManager, filter: CaseFilter, light: Light, where: Conditions, atDay: DayNumber, limit: number): Promise<CaseRow[]> {
  const day = isoFromDay(atDay);
  const timelines = light === 'paused' ? null : await timelinesOfLight(em, light, day, filter);
  if (timelines !== null) {
    if (timelines.length === 0) return [];
    const caseNos = await pageOfTimelines(em, timelines, where, limit + 1);
    return query<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM cases WHERE case_no = ANY($1::text[]) ORDER BY case_no`, [caseNos]);
  }
  // 'paused' reads no date, and PostgreSQL refuses a bound parameter the statement never uses.
  where.add(`status IN ('open', 'paused') AND ${lightSql(light, light === 'paused' ? '' : where.bind(day))}`);
  // The page's case numbers come from an open-cases index first (it holds the dates the filter
  // tests), and only those rows are read: walking the whole table in case-number order would read
  // every closed case on the way.
  return query<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM cases
    WHERE case_no IN (SELECT case_no FROM cases WHERE ${where.sql()} ORDER BY case_no LIMIT ${limit + 1}) ORDER BY case_no`, where.params);
}

/** A keyset page (by caseNo) of verdicts at `at` matching `filter`. */
export async function listVerdicts(em: EntityManager, rules: TimeRulesSnapshot, filter: CaseFilter, at: Date, limit: number, after: string | null): Promise<VerdictPage> {
  return onOneSnapshot(em, (tx) => listVerdictsIn(tx, rules, filter, at, limit, after));
}

async function listVerdictsIn(em: EntityManager, rules: TimeRulesSnapshot, filter: CaseFilter, at: Date, limit: number, after: string | null): Promise<VerdictPage> {
  const atDay = localDayOf(at);
  const scope = (fresh: boolean): Conditions => {
    const where = new Conditions();
    const atParam = where.bind(at);
    where.add(fresh ? `last_occurred_at <= ${atParam}` : `first_occurred_at <= ${atParam} AND last_occurred_at > ${atParam}`);
    if (after !== null) where.add(`case_no > ${where.bind(after)}`);
    if (filter.departmentCode) where.add(`department_code = ${where.bind(filter.departmentCode)}`);
    if (filter.itemCode) where.add(`item_code = ${where.bind(filter.itemCode)}`);
    if (filter.departments !== null) where.add(`department_code = ANY(${where.bind(filter.departments)}::text[])`);
    return where;
  };

  // Cases whose facts at `at` are their facts now: filter in SQL on the cached timeline.
  const fresh = scope(true);
  if (filter.status) fresh.add(`status = ${fresh.bind(filter.status)}`);
  const freshRows = filter.light
    ? await freshLightPage(em, filter, filter.light, fresh, atDay, limit)
    : await query<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM cases WHERE ${fresh.sql()} ORDER BY case_no LIMIT ${limit + 1}`, fresh.params);
  const freshVerdicts = freshRows.map((row) => verdictFromFacts(row.facts, itemOf(row), rules.calendar, rules.policy, atDay));
  const freshLast = freshRows.length > limit ? freshRows[limit - 1]?.case_no ?? null : null;

  // Cases changed after `at`: recompute in chunks until the page is full or they run out.
  const staleMatches: Verdict[] = [];
  let staleAfter = after;
  for (;;) {
    const stale = scope(false);
    if (staleAfter !== null && staleAfter !== after) stale.add(`case_no > ${stale.bind(staleAfter)}`);
    if (freshLast !== null) stale.add(`case_no <= ${stale.bind(freshLast)}`);
    const rows = await query<CaseRow>(em, `SELECT ${CASE_COLUMNS}
      FROM cases WHERE ${stale.sql()} ORDER BY case_no LIMIT ${STALE_CHUNK}`, stale.params);
    for (const verdict of await staleVerdicts(em, rules, rows, at)) if (matches(verdict, filter)) staleMatches.push(verdict);
    if (rows.length < STALE_CHUNK || staleMatches.length > limit) break;
    staleAfter = rows.at(-1)!.case_no;
  }

  const merged = [...freshVerdicts, ...staleMatches].sort((a, b) => (a.caseNo < b.caseNo ? -1 : a.caseNo > b.caseNo ? 1 : 0));
  const page = merged.slice(0, limit);
  return { items: page, nextCursor: merged.length > limit ? page.at(-1)!.caseNo : null };
}

/**
 * How many cases `listVerdicts` would list with `filter` at `at`, over all its pages: the fresh
 * ones counted in SQL, the few changed after `at` recomputed as the list does.
 */
export async function countVerdicts(em: EntityManager, rules: TimeRulesSnapshot, filter: CaseFilter, at: Date): Promise<number> {
  const atDay = localDayOf(at);
  const scope = (fresh: boolean): Conditions => {
    const where = new Conditions();
    const atParam = where.bind(at);
    where.add(fresh ? `last_occurred_at <= ${atParam}` : `first_occurred_at <= ${atParam} AND last_occurred_at > ${atParam}`);
    if (filter.departmentCode) where.add(`department_code = ${where.bind(filter.departmentCode)}`);
    if (filter.itemCode) where.add(`item_code = ${where.bind(filter.itemCode)}`);
    if (filter.departments !== null) where.add(`department_code = ANY(${where.bind(filter.departments)}::text[])`);
    return where;
  };
  const fresh = scope(true);
  if (filter.light) {
    const t = filter.light === 'paused' ? '' : fresh.bind(isoFromDay(atDay));
    fresh.add(`status IN ('open', 'paused') AND ${lightSql(filter.light, t)}`);
  }
  if (filter.status) fresh.add(`status = ${fresh.bind(filter.status)}`);
  const [counted] = await query<{ n: string }>(em, `SELECT count(*)::text AS n FROM cases WHERE ${fresh.sql()}`, fresh.params);
  let total = Number(counted?.n ?? 0);
  for (let after: string | null = null; ;) {
    const stale = scope(false);
    if (after !== null) stale.add(`case_no > ${stale.bind(after)}`);
    const rows = await query<CaseRow>(em, `SELECT case_no, item_code, department_code, limit_days, limit_unit, facts
      FROM cases WHERE ${stale.sql()} ORDER BY case_no LIMIT ${STALE_CHUNK}`, stale.params);
    for (const verdict of await staleVerdicts(em, rules, rows, at)) if (matches(verdict, filter)) total += 1;
    if (rows.length < STALE_CHUNK) return total;
    after = rows.at(-1)!.case_no;
  }
}

export interface BoardCounts {
  open: number;
  green: number;
  yellow: number;
  red: number;
  paused: number;
  yellowCards: number;
  redCards: number;
}

export interface Board {
  at: string;
  date: string;
  overall: BoardCounts;
  departments: (BoardCounts & { departmentCode: string })[];
}

const emptyCounts = (): BoardCounts => ({ open: 0, green: 0, yellow: 0, red: 0, paused: 0, yellowCards: 0, redCards: 0 });

/**
 * Open cases at `at` counted by light and cards, overall and per department (only `departments`'
 * when bound). The counts of every open case by timeline (`open_timeline_counts`, kept by triggers
 * on `cases`) answer for all of them but those whose last event came after `at`: their current
 * rows are taken back out in the same statement, and those that existed by `at` recomputed from
 * their events as they stood then.
 */
export async function boardAt(em: EntityManager, rules: TimeRulesSnapshot, at: Date, scope: DepartmentScope): Promise<Board> {
  return onOneSnapshot(em, (tx) => boardIn(tx, rules, at, scope));
}

const TIMELINE_KEY = 'department_code, deadline, yellow_from, yellow_card_on, red_card_on';

async function boardIn(em: EntityManager, rules: TimeRulesSnapshot, at: Date, scope: DepartmentScope): Promise<Board> {
  const t = isoFromDay(localDayOf(at));
  const byDepartment = new Map<string, BoardCounts>();
  const countsOf = (code: string): BoardCounts => {
    let counts = byDepartment.get(code);
    if (!counts) byDepartment.set(code, (counts = emptyCounts()));
    return counts;
  };

  const counted = (condition: string): string => `coalesce(sum(cases) FILTER (WHERE ${condition}), 0)`;
  const freshRows = await query<Record<keyof BoardCounts, string> & { department_code: string }>(em, `SELECT department_code,
      sum(cases) AS open,
      ${counted(lightSql('green', '$2'))} AS green,
      ${counted(lightSql('yellow', '$2'))} AS yellow,
      ${counted(lightSql('red', '$2'))} AS red,
      ${counted(lightSql('paused', '$2'))} AS paused,
      ${counted('$2::date >= yellow_card_on')} AS "yellowCards",
      ${counted('$2::date >= red_card_on')} AS "redCards"
    FROM (
      SELECT ${TIMELINE_KEY}, cases FROM open_timeline_counts WHERE $3::text[] IS NULL OR department_code = ANY($3::text[])
      UNION ALL
      SELECT ${TIMELINE_KEY}, -1 FROM cases WHERE status IN ('open', 'paused') AND (last_occurred_at > $1 OR last_occurred_at IS NULL)
        AND ($3::text[] IS NULL OR department_code = ANY($3::text[]))
    ) AS timelines
    GROUP BY department_code HAVING sum(cases) > 0`, [at, t, scope]);
  for (const row of freshRows) {
    const counts = countsOf(row.department_code);
    for (const key of Object.keys(counts) as (keyof BoardCounts)[]) counts[key] += Number(row[key]);
  }

  let after = '';
  for (;;) {
    const rows = await query<CaseRow>(em, `SELECT ${CASE_COLUMNS} FROM cases
      WHERE first_occurred_at <= $1 AND last_occurred_at > $1 AND case_no > $2 AND ($3::text[] IS NULL OR department_code = ANY($3::text[]))
      ORDER BY case_no LIMIT ${STALE_CHUNK}`, [at, after, scope]);
    for (const verdict of await staleVerdicts(em, rules, rows, at)) {
      if ((verdict.status !== 'open' && verdict.status !== 'paused') || verdict.departmentCode === null) continue;
      const counts = countsOf(verdict.departmentCode);
      counts.open += 1;
      if (verdict.light) counts[verdict.light] += 1;
      for (const card of verdict.cards) counts[card.color === 'yellow' ? 'yellowCards' : 'redCards'] += 1;
    }
    if (rows.length < STALE_CHUNK) break;
    after = rows.at(-1)!.case_no;
  }

  const overall = emptyCounts();
  const departments = [...byDepartment].sort(([a], [b]) => (a < b ? -1 : 1)).map(([departmentCode, counts]) => {
    for (const key of Object.keys(overall) as (keyof BoardCounts)[]) overall[key] += counts[key];
    return { departmentCode, ...counts };
  });
  return { at: isoLocal(at), date: t, overall, departments };
}

/**
 * `npm run bench -- sweep`: seconds to sweep a million open cases of which none are due, and of
 * which 1 % are due, beside a baseline of one indexed range query over the same table.
 *
 * The data goes in with COPY, not through the API: departments and items, the `cases` rows
 * (computeCaseStateRow of each case's events), the events in `case_events` (received a few seconds
 * after they occurred, a few late on purpose), the alerts a sweep at P (the evening before T's
 * local day) would have raised, and `sweep_schedule` with each case's next due instant as the
 * rules give it (evaluateRules). The sweep runs in this process (`runSweep`, as the node's sweep
 * job calls it) at the fixed instant T, 00:05 local:
 *
 * - none due: every due_at is after T (the due cases are scheduled as the sweep at T would leave
 *   them); median of several sweeps, each must check nothing;
 * - 1 % due: those cases get back their due instant as of P (00:00 of T's day); each sweep must
 *   check exactly them and raise exactly the findings that are new since P, and a second sweep at
 *   T must check nothing. Between runs the alerts raised at T are deleted and the schedule reset.
 *
 * Baseline: `SELECT count(*) FROM sweep_schedule WHERE due_at <= T` (the index the sweep claims
 * through), median of several runs, on both layouts.
 *
 * Knobs (environment): BENCH_SWEEP_CASES (default 1,000,000; 100,000 with --quick), BENCH_SWEEP_DUE (default 1 % of the
 * cases), BENCH_SWEEP_RUNS (1 % sweeps, default 3), BENCH_SEED, BENCH_PG_SETTINGS, BENCH_KEEP_DB.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isoFromDay, localDayOfMs } from '../../node/calendar/local-date.ts';
import type { CaseEvent } from '../../node/cases/case-event.ts';
import { computeCaseStateRow } from '../../node/cases/case-state.ts';
import { eventContent } from '../../node/cases/event-content.ts';
import { migrate, openOrm } from '../../node/db/orm.ts';
import { mulberry32 } from '../../node/demo/case-scenarios.ts';
import { appealDueOn } from '../../node/supervision/notices.ts';
import { evaluateRules } from '../../node/supervision/rules/evaluate-rules.ts';
import { CARD_RULES, type ReceivedEvent, type RuleItem } from '../../node/supervision/rules/rule-types.ts';
import { runSweep, type SweepDeps, type SweepResult } from '../../node/supervision/sweep.ts';
import { TimeRules } from '../../node/timelimits/time-rules.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { benchCatalog, buildCase, compactDate, COUNTY, planCases, type BenchDays } from './sweep-dataset.ts';
import { applyDatabaseSettings, envInt, hostCpuTicks, postgresCpu, postgresCpuDelta, progress, sizeKnob, type BenchOptions } from './support.ts';

/** The bench instant: five minutes after a Monday's local midnight, when that day's cases fall due. */
const T_ISO = '2026-03-16T00:05:00+08:00';
const T = new Date(T_ISO);
/** The previous sweep: late on the Sunday before. */
const P = new Date('2026-03-15T23:55:00+08:00');
const NODE_CODE = COUNTY;
const CALENDAR_DIR = fileURLToPath(new URL('../../config/calendars', import.meta.url));
const BASELINE_RUNS = 7;
const NONE_DUE_RUNS = 5;

export interface SweepBenchResult {
  bench: 'sweep';
  cases: number;
  dueFraction: number;
  due: number;
  at: string;
  secondsNoneDue: number;
  secondsOnePercentDue: number;
  /** Every 1 % sweep, in order (the first one reads the due cases' events cold from shared buffers). */
  runs: number[];
  checked: number;
  raised: number;
  noticesIssued: number;
  chunks: number;
  casesPerSec: number;
  /** Per chunk of 1,000 cases, from the onProgress callbacks of every 1 % run. */
  chunkSeconds: { p50: number; max: number };
  /** The sweep right after a 1 % sweep, at the same T: must check nothing. */
  secondsSecondSweep: number;
  baseline: { name: 'indexed-range-count'; seconds: number; rows: number; secondsNoneDue: number };
  /** CPU per 1 % sweep: this process (the sweep's JavaScript) and PostgreSQL (backends of the database, WAL writer, checkpointer, bgwriter). */
  cpu: { nodeSeconds: number; pgSeconds: number };
  loadSeconds: number;
  load: { events: number; preexistingAlerts: number; vacuumSeconds: number; hostBusyPct: number };
  /** Peak RSS of this process sampled after each chunk (it also generated the data, so the heap may hold leftovers). */
  rssMB: number;
  /** Whole host, both cores, during the timed 1 % sweeps; othersBusyPct is what neither this process nor PostgreSQL used. */
  hostBusyPct: number;
  othersBusyPct: number;
}

/** A COPY text-format field: NULL as \N, backslash, tab, newline and carriage return escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One COPY ... FROM STDIN on its own connection, fed rows in 64 kB writes with backpressure. */
class CopyWriter {
  readonly #stream: ReturnType<typeof copyFrom>;
  #buffer = '';
  #error: unknown = null;
  #blocked: Promise<unknown> | null = null;
  rows = 0;

  constructor(client: pg.Client, sql: string) {
    this.#stream = client.query(copyFrom(sql));
    this.#stream.on('error', (error: unknown) => {
      this.#error ??= error;
    });
  }

  row(fields: readonly (string | number | null)[]): void {
    this.#buffer += `${fields.map(copyField).join('\t')}\n`;
    this.rows += 1;
    if (this.#buffer.length >= 1 << 16) this.#flush();
  }

  #flush(): void {
    if (this.#buffer === '') return;
    const ok = this.#stream.write(this.#buffer);
    this.#buffer = '';
    if (!ok && this.#blocked === null) this.#blocked = once(this.#stream, 'drain').finally(() => { this.#blocked = null; });
  }

  /** Waits while the connection is behind; throws what the COPY failed with. */
  async settle(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#blocked) await this.#blocked;
    if (this.#error) throw this.#error;
  }

  async end(): Promise<void> {
    this.#flush();
    this.#stream.end();
    await finished(this.#stream);
    if (this.#error) throw this.#error;
  }
}

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function scalar(client: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const result = await client.query<{ n: string }>(sql, params);
  return Number(result.rows[0]?.n ?? NaN);
}

/** A due case: its due instant as of P (<= T) and the one the sweep at T must leave (> T). */
interface DueCase {
  caseNo: string;
  dueAtP: string;
  dueAfterT: string;
}

interface Loaded {
  events: number;
  preexistingAlerts: number;
  dueCases: DueCase[];
  expectedRaised: number;
  expectedNotices: number;
}

/**
 * Generates the cases in acceptance order and streams them into the four tables at once, each
 * through its own COPY. Follow-up events wait in per-day buckets so that `case_events` is written
 * in about the order a node would have received it (a case's events are not adjacent on disk).
 */
async function loadCases(url: string, rules: TimeRules, cases: number, due: number, seed: number, days: BenchDays,
  items: ReturnType<typeof benchCatalog>['items']): Promise<Loaded> {
  const snapshot = rules.current;
  const { calendar, policy } = snapshot;
  const planStarted = performance.now();
  const plan = planCases(items, snapshot, days, cases, due, seed);
  progress(`sweep: planned ${cases} cases in ${((performance.now() - planStarted) / 1000).toFixed(1)} s `
    + `(${plan.pairs.due} (item, day) pairs due on T's day, ${plan.pairs.later} due later)`);

  const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const [casesClient, eventsClient, scheduleClient, alertsClient] = clients as [pg.Client, pg.Client, pg.Client, pg.Client];
    const casesOut = new CopyWriter(casesClient, `COPY cases (case_no, status, item_code, department_code, limit_days, limit_unit, facts,
      first_occurred_at, last_occurred_at, accepted_day, concluded_day, deadline, yellow_from, yellow_card_on, red_card_on, updated_at) FROM STDIN`);
    const eventsOut = new CopyWriter(eventsClient, `COPY case_events (event_id, case_no, type, occurred_at, payload, content_hash, source, received_at) FROM STDIN`);
    const scheduleOut = new CopyWriter(scheduleClient, 'COPY sweep_schedule (case_no, due_at, reason) FROM STDIN');
    const alertsOut = new CopyWriter(alertsClient, `COPY alerts (case_no, rule, rule_version, department_code, item_code, status, found_at,
      raised_at, message, details, appeal_due_on, updated_at) FROM STDIN`);
    const writers = [casesOut, eventsOut, scheduleOut, alertsOut];

    const ruleItems = items.map((item): RuleItem => ({ itemCode: item.itemCode, departmentCode: item.departmentCode, fees: item.fees, stages: item.stages }));
    const buckets = new Map<number, (string | number | null)[][]>();
    const flushBuckets = (beforeDay: number): void => {
      for (const day of [...buckets.keys()].sort((a, b) => a - b)) {
        if (day >= beforeDay) break;
        for (const fields of buckets.get(day)!) eventsOut.row(fields);
        buckets.delete(day);
      }
    };
    const loaded: Loaded = { events: 0, preexistingAlerts: 0, dueCases: [], expectedRaised: 0, expectedNotices: 0 };
    const rng = mulberry32(seed ^ 0xcafe);
    const pMs = P.getTime();
    const tMs = T.getTime();
    let currentDay = Number.NEGATIVE_INFINITY;
    let dayPrefix = '';
    let sequence = 0;
    for (let k = 0; k < cases; k++) {
      const index = plan.order[k]!;
      const day = plan.day[index]!;
      if (day !== currentDay) {
        flushBuckets(day);
        currentDay = day;
        dayPrefix = `${COUNTY}${compactDate(isoFromDay(day))}`;
        sequence = 0;
      }
      sequence += 1;
      const caseNo = `${dayPrefix}${String(sequence).padStart(6, '0')}`;
      const built = buildCase(plan, index, caseNo, items, calendar, days, rng);
      const item = built.item;
      const received: ReceivedEvent[] = [];
      let lastReceivedMs = 0;
      built.events.forEach((event: CaseEvent, e) => {
        const receivedMs = built.receivedMs[e]!;
        const receivedAt = new Date(receivedMs).toISOString();
        received.push({ event, receivedAt });
        lastReceivedMs = Math.max(lastReceivedMs, receivedMs);
        const { canonical, hash } = eventContent(event);
        const fields = [event.eventId, caseNo, event.type, event.occurredAt, canonical, hash, 'bench', receivedAt];
        if (e === 0) {
          eventsOut.row(fields);
        } else {
          const eventDay = localDayOfMs(Date.parse(event.occurredAt));
          let bucket = buckets.get(eventDay);
          if (!bucket) buckets.set(eventDay, bucket = []);
          bucket.push(fields);
        }
      });
      loaded.events += built.events.length;
      if (lastReceivedMs > pMs) throw new Error(`${caseNo}: an event is received after P`);

      const limit = { limitDays: item.promisedLimitDays, limitUnit: item.limitUnit };
      const row = computeCaseStateRow(caseNo, built.events, limit, snapshot);
      if (row.status !== 'open') throw new Error(`${caseNo} is ${row.status}, not open`);
      casesOut.row([row.case_no, row.status, row.item_code, row.department_code, row.limit_days, row.limit_unit, JSON.stringify(row.facts),
        row.first_occurred_at, row.last_occurred_at, row.accepted_day, row.concluded_day, row.deadline, row.yellow_from, row.yellow_card_on,
        row.red_card_on, new Date(lastReceivedMs).toISOString()]);

      const input = { caseNo, events: received, item: ruleItems[plan.item[index]!]!, limit, calendar, policy };
      const atP = evaluateRules({ ...input, at: P });
      const dueMs = atP.nextDueAt === null ? null : Date.parse(atP.nextDueAt);
      const isDue = plan.dueAtT[index] === 1;
      if (dueMs === null || (dueMs <= tMs) !== isDue) {
        throw new Error(`${caseNo}: next due as of P is ${atP.nextDueAt}, but the plan has it ${isDue ? '' : 'not '}due at T`);
      }
      // The alerts the sweep at P (or before) raised: one per finding, none of them a card.
      for (const finding of atP.findings) {
        if ((CARD_RULES as readonly string[]).includes(finding.rule)) throw new Error(`${caseNo}: a ${finding.rule} as of P`);
        const raisedMs = Math.min(pMs, Math.max(Date.parse(finding.foundAt), lastReceivedMs) + 60_000);
        const raisedAt = new Date(raisedMs).toISOString();
        alertsOut.row([caseNo, finding.rule, finding.ruleVersion, item.departmentCode, item.itemCode, 'open', finding.foundAt, raisedAt,
          finding.message.slice(0, 500), JSON.stringify(finding.details), appealDueOn(calendar, localDayOfMs(raisedMs), policy.appealWorkingDays), raisedAt]);
        loaded.preexistingAlerts += 1;
      }
      if (isDue) {
        const atT = evaluateRules({ ...input, at: T });
        if (atT.nextDueAt === null) throw new Error(`${caseNo}: nothing due after T`);
        const held = new Set(atP.findings.map((finding) => finding.rule));
        for (const finding of atT.findings) {
          if (held.has(finding.rule)) continue;
          loaded.expectedRaised += 1;
          if ((CARD_RULES as readonly string[]).includes(finding.rule)) loaded.expectedNotices += 1;
        }
        loaded.dueCases.push({ caseNo, dueAtP: atP.nextDueAt!, dueAfterT: atT.nextDueAt });
        // Loaded as the sweep at T would leave it: the "none due" layout.
        scheduleOut.row([caseNo, atT.nextDueAt, null]);
      } else {
        scheduleOut.row([caseNo, atP.nextDueAt, null]);
      }
      if ((k & 255) === 255) await Promise.all(writers.map((writer) => writer.settle()));
      if ((k + 1) % 100_000 === 0) progress(`sweep: generated ${k + 1} cases, ${loaded.events} events, ${loaded.preexistingAlerts} alerts`);
    }
    flushBuckets(Number.POSITIVE_INFINITY);
    await Promise.all(writers.map((writer) => writer.end()));
    if (casesOut.rows !== cases || eventsOut.rows !== loaded.events || scheduleOut.rows !== cases) {
      throw new Error(`COPY row counts: ${casesOut.rows} cases, ${eventsOut.rows}/${loaded.events} events, ${scheduleOut.rows} schedule rows`);
    }
    return loaded;
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

async function insertCatalog(db: pg.Client, catalog: ReturnType<typeof benchCatalog>): Promise<void> {
  const at = '2025-12-01T00:00:00+08:00';
  await db.query(`INSERT INTO departments (code, name, created_at, updated_at)
    SELECT r.code, r.name, $2, $2 FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text)`, [JSON.stringify(catalog.departments), at]);
  await db.query(`INSERT INTO items (item_code, name, department_code, legal_limit_days, promised_limit_days, limit_unit, fees, promised_visits, stages, created_at, updated_at)
    SELECT r."itemCode", r.name, r."departmentCode", r."legalLimitDays", r."promisedLimitDays", r."limitUnit", r.fees, r."promisedVisits", r.stages, $2, $2
    FROM jsonb_to_recordset($1::jsonb) AS r("itemCode" text, name text, "departmentCode" text, "legalLimitDays" int, "promisedLimitDays" int,
      "limitUnit" text, fees jsonb, "promisedVisits" int, stages jsonb)`, [JSON.stringify(catalog.items), at]);
}

/** Durations in seconds of `runs` sequential calls. */
async function timed(runs: number, call: () => Promise<void>): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

export async function runSweepBench(options: BenchOptions): Promise<SweepBenchResult> {
  const cases = sizeKnob('BENCH_SWEEP_CASES', options, 1_000_000, 100_000);
  const due = envInt('BENCH_SWEEP_DUE', Math.max(1, Math.round(cases / 100)));
  const oneRuns = envInt('BENCH_SWEEP_RUNS', 3);
  const seed = envInt('BENCH_SEED', 20250603);
  const database = await createTestDatabase('sv_bench_sweep');
  const orm = await openOrm(database.url, { poolMax: 4 }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const db = new pg.Client({ connectionString: database.url });
  try {
    await applyDatabaseSettings(database);
    await migrate(orm);
    const rules = new TimeRules();
    await rules.seedCalendars(orm.em.fork(), CALENDAR_DIR);
    await rules.reload(orm.em.fork());
    await db.connect();
    progress(`sweep: database ${database.name}; ${cases} open cases, ${due} due at ${T_ISO}`);

    const tDay = localDayOfMs(T.getTime());
    let lastEventDay = tDay - 1;
    while (!rules.current.calendar.isWorkingDay(lastEventDay)) lastEventDay -= 1;
    const days: BenchDays = { tDay, pDay: localDayOfMs(P.getTime()), lastEventDay };
    if (days.pDay !== tDay - 1) throw new Error('P must lie on the day before T');

    const catalog = benchCatalog(seed);
    await insertCatalog(db, catalog);
    const loadStarted = performance.now();
    const hostAtLoad = hostCpuTicks();
    const loaded = await loadCases(database.url, rules, cases, due, seed, days, catalog.items);
    // Each alert the sweep raised has its 'raise' transition.
    await db.query(`INSERT INTO alert_transitions (alert_id, from_status, to_status, action, actor, reason, data, request_id, at)
      SELECT id, NULL, 'open', 'raise', 'system', NULL, jsonb_build_object('ruleVersion', rule_version, 'foundAt', found_at), NULL, raised_at
      FROM alerts ORDER BY id`);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const hostAfterLoad = hostCpuTicks();
    const loadBusyPct = Math.round((100 * (hostAfterLoad.busy - hostAtLoad.busy)) / Math.max(1, hostAfterLoad.total - hostAtLoad.total));
    progress(`sweep: loaded ${cases} cases, ${loaded.events} events, ${loaded.preexistingAlerts} alerts in ${loadSeconds.toFixed(1)} s `
      + `(host ${loadBusyPct}% busy); the ${loaded.dueCases.length} due cases must raise ${loaded.expectedRaised} alerts, ${loaded.expectedNotices} with notices`);

    // A settled node: tables vacuumed and analyzed (autovacuum is off on this server), no checkpoint pending.
    const vacuumStarted = performance.now();
    await db.query('VACUUM (ANALYZE) cases, case_events, sweep_schedule, alerts, alert_transitions, items, departments');
    await db.query('CHECKPOINT');
    const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
    progress(`sweep: VACUUM ANALYZE + CHECKPOINT in ${vacuumSeconds.toFixed(1)} s`);

    const counted = await db.query<{ cases: string; scheduled: string; due: string }>(`SELECT (SELECT count(*) FROM cases WHERE status = 'open') AS cases,
      (SELECT count(*) FROM sweep_schedule) AS scheduled, (SELECT count(*) FROM sweep_schedule WHERE due_at <= $1) AS due`, [T]);
    const check = counted.rows[0];
    if (!check || Number(check.cases) !== cases || Number(check.scheduled) !== cases || Number(check.due) !== 0) {
      throw new Error(`load verification failed: ${JSON.stringify(check)}, expected ${cases} open cases, all scheduled, none due at T`);
    }

    const deps: SweepDeps = { nodeCode: NODE_CODE, rules, notifier: null };
    const sweep = (at: Date, onProgress?: (result: SweepResult) => void): Promise<SweepResult> =>
      runSweep(orm.em.fork(), deps, at, onProgress ? { onProgress } : {});
    const expectNothing = (result: SweepResult, what: string): void => {
      if (result.checked !== 0 || result.raised !== 0 || result.escalated !== 0) throw new Error(`${what}: expected nothing to do, got ${JSON.stringify(result)}`);
    };
    const baselineCount = async (): Promise<number> => scalar(db, 'SELECT count(*) AS n FROM sweep_schedule WHERE due_at <= $1', [T]);

    // Warm-up: pool connections, prepared code paths, the index's upper pages.
    expectNothing(await sweep(new Date(T.getTime() - 30 * 86_400_000)), 'warm-up sweep');
    await baselineCount();

    // (a) and (b) with none due.
    const baselineNoneDue = median(await timed(BASELINE_RUNS, async () => {
      if (await baselineCount() !== 0) throw new Error('baseline: rows due in the "none due" layout');
    }));
    const noneDue = await timed(NONE_DUE_RUNS, async () => expectNothing(await sweep(T), 'sweep with none due'));
    progress(`sweep: none due: ${noneDue.map((s) => s.toFixed(4)).join(', ')} s; baseline ${baselineNoneDue.toFixed(4)} s`);

    // (c) with 1 % due: the due cases get their due instant as of P back.
    const dueNos = loaded.dueCases.map((c) => c.caseNo);
    const makeDue = async (): Promise<void> => {
      await db.query(`UPDATE sweep_schedule AS s SET due_at = u.due_at, reason = NULL
        FROM unnest($1::text[], $2::timestamptz[]) AS u(case_no, due_at) WHERE s.case_no = u.case_no`, [dueNos, loaded.dueCases.map((c) => c.dueAtP)]);
      await db.query('VACUUM (ANALYZE) sweep_schedule, alerts, alert_transitions, notice_counters');
    };
    await makeDue();
    const baselineRows = await baselineCount();
    if (baselineRows !== due) throw new Error(`baseline: ${baselineRows} rows due at T, expected ${due}`);
    const baselineSeconds = median(await timed(BASELINE_RUNS, async () => {
      await baselineCount();
    }));
    progress(`sweep: baseline count(*) of ${baselineRows} due rows: ${baselineSeconds.toFixed(4)} s`);

    const runs: number[] = [];
    const chunkSeconds: number[] = [];
    const secondSweeps: number[] = [];
    let last: SweepResult | null = null;
    let rssBytes = process.memoryUsage.rss();
    let nodeCpu = 0;
    let pgCpu = 0;
    let busyTicks = 0;
    let totalTicks = 0;
    for (let run = 0; run < oneRuns; run++) {
      if (run > 0) {
        // Back to the state before the sweep at T: its alerts, transitions and notice numbers gone, the due cases due again.
        await db.query('DELETE FROM alert_transitions WHERE at = $1', [T]);
        await db.query('DELETE FROM alerts WHERE raised_at = $1', [T]);
        await db.query('DELETE FROM notice_counters');
        await makeDue();
        if (await baselineCount() !== due) throw new Error('reset: the due cases are not due again');
      }
      const pgBefore = await postgresCpu(db, database.name);
      const cpuBefore = process.cpuUsage();
      const hostBefore = hostCpuTicks();
      let chunkStarted = performance.now();
      const started = performance.now();
      const result = await sweep(T, () => {
        const now = performance.now();
        chunkSeconds.push((now - chunkStarted) / 1000);
        chunkStarted = now;
        rssBytes = Math.max(rssBytes, process.memoryUsage.rss());
      });
      const seconds = (performance.now() - started) / 1000;
      const hostAfter = hostCpuTicks();
      const cpu = process.cpuUsage(cpuBefore);
      pgCpu += postgresCpuDelta(pgBefore, await postgresCpu(db, database.name));
      nodeCpu += (cpu.user + cpu.system) / 1e6;
      busyTicks += hostAfter.busy - hostBefore.busy;
      totalTicks += hostAfter.total - hostBefore.total;
      runs.push(seconds);
      last = result;
      progress(`sweep: 1 % due, run ${run + 1}: ${seconds.toFixed(2)} s, ${JSON.stringify(result)}`);
      if (result.checked !== due || result.raised !== loaded.expectedRaised || result.noticesIssued !== loaded.expectedNotices
        || result.revoked !== 0 || result.reinstated !== 0 || result.escalated !== 0) {
        throw new Error(`1 % sweep: expected ${due} checked, ${loaded.expectedRaised} raised, ${loaded.expectedNotices} notices, got ${JSON.stringify(result)}`);
      }
      // Exactly once: a second sweep at the same instant finds nothing due, and every due case is rescheduled where the rules say.
      const again = performance.now();
      expectNothing(await sweep(T), 'second sweep at T');
      secondSweeps.push((performance.now() - again) / 1000);
      const misplaced = await scalar(db, `SELECT count(*) AS n FROM unnest($1::text[], $2::timestamptz[]) AS u(case_no, due_at)
        LEFT JOIN sweep_schedule s ON s.case_no = u.case_no WHERE s.due_at IS DISTINCT FROM u.due_at`, [dueNos, loaded.dueCases.map((c) => c.dueAfterT)]);
      const alerts = await scalar(db, 'SELECT count(*) AS n FROM alerts');
      if (misplaced !== 0 || await baselineCount() !== 0 || alerts !== loaded.preexistingAlerts + loaded.expectedRaised) {
        throw new Error(`after the 1 % sweep: ${misplaced} due cases not rescheduled as the rules say, ${alerts} alerts `
          + `(expected ${loaded.preexistingAlerts} + ${loaded.expectedRaised})`);
      }
    }
    const result = last!;
    const secondsOnePercentDue = median(runs);
    const hostBusyPct = Math.round((100 * busyTicks) / Math.max(1, totalTicks));
    const othersBusyPct = Math.max(0, Math.round((100 * (busyTicks / 100 - nodeCpu - pgCpu)) / Math.max(1, totalTicks / 100)));
    return {
      bench: 'sweep',
      cases,
      dueFraction: round(due / cases, 4),
      due,
      at: T_ISO,
      secondsNoneDue: round(median(noneDue), 4),
      secondsOnePercentDue: round(secondsOnePercentDue),
      runs: runs.map((s) => round(s)),
      checked: result.checked,
      raised: result.raised,
      noticesIssued: result.noticesIssued,
      chunks: result.chunks,
      casesPerSec: Math.round(due / secondsOnePercentDue),
      chunkSeconds: { p50: round(median(chunkSeconds)), max: round(Math.max(...chunkSeconds)) },
      secondsSecondSweep: round(median(secondSweeps), 4),
      baseline: { name: 'indexed-range-count', seconds: round(baselineSeconds, 4), rows: baselineRows, secondsNoneDue: round(baselineNoneDue, 4) },
      cpu: { nodeSeconds: round(nodeCpu / oneRuns, 2), pgSeconds: round(pgCpu / oneRuns, 2) },
      loadSeconds: round(loadSeconds, 1),
      load: { events: loaded.events, preexistingAlerts: loaded.preexistingAlerts, vacuumSeconds: round(vacuumSeconds, 1), hostBusyPct: loadBusyPct },
      rssMB: Math.round(rssBytes / 2 ** 20),
      hostBusyPct,
      othersBusyPct,
    };
  } finally {
    await db.end().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    if (process.env.BENCH_KEEP_DB === '1') progress(`kept database ${database.url}`);
    else await database.drop();
  }
}

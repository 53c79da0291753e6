/**
 * Feeds a running node with a county's worth of realistic cases, through its public HTTP API, as
 * the county's department system (an API client, client credentials): the audit trail shows the
 * events as `client:<id>`. The catalog is loaded beforehand (catalog-loader.ts).
 *
 * The simulated world is a pure function of the seed: every working day gets a schedule of cases
 * (acceptance times, items, scenarios) drawn from a PRNG seeded by (seed, day), and each case's full
 * history comes from {@link generateCase}. The simulator only decides *when* to post: an event is
 * sent once its `occurredAt` has passed on `clock()`, never earlier. So a restart with the same seed
 * resends the same events, which the node counts as duplicates, and nothing conflicts.
 */
import type { WorkCalendar } from '../calendar/work-calendar.ts';
import { DemoClient, Stopped, describeError, excerpt, type DemoClientOptions } from './demo-client.ts';
import type { Credentials } from './demo-sessions.ts';
import { DEMO_COUNTY_CODE, DEMO_ITEMS, type CatalogItem } from './catalog.ts';
import {
  formatShanghai,
  generateCase,
  generateCaseNo,
  mulberry32,
  shanghaiDay,
  shanghaiInstant,
  type DemoCaseEvent,
} from './case-scenarios.ts';

/** Settings of a {@link CaseSimulator}. */
export interface CaseSimulatorOptions extends DemoClientOptions {
  /** The node's origin, e.g. 'http://localhost:3000'. */
  baseUrl: string;
  /** Who reports the events: a department system of the county's departments (a ClientSession). */
  credentials: Credentials;
  /** Seed of the simulated world; the same seed always produces the same cases. */
  seed: number;
  /** The working days: cases are accepted on them and planned against them (demo-calendar.ts). */
  calendar: WorkCalendar;
  /** Current time; defaults to the system clock. A faster clock makes a faster demo. */
  clock?: () => Date;
  /** One-line progress messages; defaults to console.log. */
  log?: (message: string) => void;
  /** Pause between two sends of due events, in ms (default 5,000). */
  intervalMs?: number;
  /** Days of history sent at start (default 30). */
  backfillDays?: number;
  /** Mean number of cases accepted per working day (default 40). */
  casesPerWorkday?: number;
  /** Events per POST, at most 1,000 (default 1,000). */
  batchSize?: number;
  /** Defaults to DEMO_COUNTY_CODE. */
  countyCode?: string;
  /** Defaults to DEMO_ITEMS. */
  items?: readonly CatalogItem[];
}

/** Running totals of a {@link CaseSimulator}. */
export interface SimulatorStats {
  /** Events posted and answered by the node. */
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events in batches the node refused as a whole (a 4xx answer); they are not retried. */
  failed: number;
}

interface Pending {
  at: number;
  event: DemoCaseEvent;
}

interface EventsAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: { eventId: string | null; status: string; error?: { code?: string; message?: string } }[];
}

const MAX_BATCH = 1_000;
const ACCEPT_FROM = 8 * 3600 + 30 * 60;
const ACCEPT_UNTIL = 17 * 3600;
const LUNCH_FROM = 12 * 3600;
const LUNCH_UNTIL = 14 * 3600;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventsAnswer(value: unknown): value is EventsAnswer {
  return (
    isRecord(value) &&
    typeof value.accepted === 'number' &&
    typeof value.duplicates === 'number' &&
    typeof value.rejected === 'number' &&
    Array.isArray(value.results)
  );
}

/** Seed of one day's schedule: a cheap integer hash of (seed, day). */
function daySeed(seed: number, day: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(day, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2d) >>> 0;
}

/** `pending` regrouped case by case, stably: cases in order of first appearance, events in order. */
function groupByCase(pending: readonly Pending[]): Pending[] {
  const byCase = new Map<string, Pending[]>();
  for (const entry of pending) {
    const events = byCase.get(entry.event.caseNo);
    if (events) events.push(entry);
    else byCase.set(entry.event.caseNo, [entry]);
  }
  return [...byCase.values()].flat();
}

/**
 * Backfills a month of cases into a node whose catalog is loaded, then keeps posting the events
 * that fall due, every few seconds, until stopped.
 *
 * @example
 * const sim = new CaseSimulator({ baseUrl: 'http://localhost:3000', credentials: new ClientSession(id, secret), seed: 20250603, calendar });
 * await sim.start(); // backfill done; live feeding continues in the background
 * // ...
 * await sim.stop();
 */
export class CaseSimulator {
  readonly #seed: number;
  readonly #calendar: WorkCalendar;
  readonly #clock: () => Date;
  readonly #log: (message: string) => void;
  readonly #client: DemoClient;
  readonly #intervalMs: number;
  readonly #backfillDays: number;
  readonly #casesPerWorkday: number;
  readonly #batchSize: number;
  readonly #countyCode: string;
  readonly #items: readonly CatalogItem[];
  readonly #itemWeights: readonly number[];

  #pending: Pending[] = [];
  #generatedThrough: number | undefined;
  #starting: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  readonly #stats: SimulatorStats = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0 };

  constructor(options: CaseSimulatorOptions) {
    this.#seed = options.seed >>> 0;
    this.#calendar = options.calendar;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? ((message) => console.log(message));
    this.#client = new DemoClient(options.baseUrl, options.credentials, '模拟器', this.#log, options);
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.#backfillDays = options.backfillDays ?? 30;
    this.#casesPerWorkday = options.casesPerWorkday ?? 40;
    this.#batchSize = Math.min(MAX_BATCH, Math.max(1, Math.floor(options.batchSize ?? MAX_BATCH)));
    this.#countyCode = options.countyCode ?? DEMO_COUNTY_CODE;
    this.#items = options.items ?? DEMO_ITEMS;
    if (this.#items.length === 0) throw new RangeError('CaseSimulator: the catalog has no items');
    // 即办件 and 不动产登记 are the busiest windows of a county hall.
    this.#itemWeights = this.#items.map((item) => (item.promisedLimitDays === 0 || item.fees.length > 0 ? 3 : 1));
  }

  /** Totals so far. */
  get stats(): Readonly<SimulatorStats> {
    return { ...this.#stats };
  }

  /** Events generated but not yet posted (most lie in the future). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Posts the last `backfillDays` of history, then returns, leaving a background loop that posts
   * newly due events every `intervalMs`.
   * Network errors are retried with backoff until they pass or stop() is called.
   */
  start(): Promise<void> {
    if (this.#starting !== undefined) throw new Error('CaseSimulator: already started');
    this.#starting = this.#boot();
    return this.#starting;
  }

  /** Ends the feeding: waits for the request in flight, then returns. Safe to call twice. */
  async stop(): Promise<void> {
    this.#client.stop();
    await this.#starting;
    await this.#loop;
  }

  async #boot(): Promise<void> {
    try {
      const cases = this.#generateUntil(shanghaiDay(this.#clock()));
      this.#log(
        `模拟器: 补录最近 ${this.#backfillDays} 天的办件 backfilling ${cases} cases ` +
          `(${this.#pending.length} events scheduled)`,
      );
      await this.#flushDue();
    } catch (error) {
      if (error instanceof Stopped) return;
      throw error;
    }
    if (!this.#client.stopping) this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#client.stopping) {
      await this.#client.sleep(this.#intervalMs);
      if (this.#client.stopping) break;
      try {
        this.#generateUntil(shanghaiDay(this.#clock()));
        await this.#flushDue();
      } catch (error) {
        if (error instanceof Stopped) break;
        // A bug in one tick should not end the demo; the next tick tries again.
        this.#log(`模拟器: 发送出错 tick failed: ${describeError(error)}`);
      }
    }
    this.#log(
      `模拟器: 已停止 stopped (${this.#stats.sent} sent, ${this.#stats.accepted} accepted, ` +
        `${this.#stats.duplicates} duplicates, ${this.#stats.rejected} rejected, ${this.#stats.failed} failed)`,
    );
  }

  /**
   * Schedules every day not scheduled yet, up to `today` (the first call goes back `backfillDays`).
   * @returns the number of cases scheduled.
   */
  #generateUntil(today: number): number {
    const first = this.#generatedThrough === undefined ? today - this.#backfillDays : this.#generatedThrough + 1;
    let cases = 0;
    for (let day = first; day <= today; day++) cases += this.#generateDay(day);
    if (first <= today) {
      this.#generatedThrough = today;
      this.#pending.sort((x, y) => x.at - y.at); // stable: a case's events keep their order
    }
    return cases;
  }

  #generateDay(day: number): number {
    if (!this.#calendar.isWorkingDay(day)) return 0;
    const rng = mulberry32(daySeed(this.#seed, day));
    const count = Math.max(1, Math.round(this.#casesPerWorkday * (0.75 + 0.5 * rng())));
    const seconds: number[] = [];
    while (seconds.length < count) {
      const second = ACCEPT_FROM + Math.floor(rng() * (ACCEPT_UNTIL - ACCEPT_FROM));
      // Fewer acceptances over the lunch break.
      if (second >= LUNCH_FROM && second < LUNCH_UNTIL && rng() < 0.7) continue;
      seconds.push(second);
    }
    seconds.sort((x, y) => x - y);
    seconds.forEach((second, index) => {
      const acceptedAt = shanghaiInstant(day, second);
      const item = this.#pickItem(rng);
      const caseNo = generateCaseNo(this.#countyCode, acceptedAt, index + 1);
      for (const event of generateCase({ rng, caseNo, item, acceptedAt, calendar: this.#calendar })) {
        this.#pending.push({ at: Date.parse(event.occurredAt), event });
      }
    });
    if (this.#generatedThrough !== undefined) {
      this.#log(`模拟器: 已排定 ${formatShanghai(shanghaiInstant(day, 0)).slice(0, 10)} 的 ${count} 件办件 scheduled ${count} cases`);
    }
    return count;
  }

  #pickItem(rng: () => number): CatalogItem {
    const total = this.#itemWeights.reduce((sum, w) => sum + w, 0);
    let r = rng() * total;
    for (let i = 0; i < this.#items.length; i++) {
      r -= this.#itemWeights[i] ?? 0;
      const item = this.#items[i];
      if (r < 0 && item !== undefined) return item;
    }
    const last = this.#items.at(-1);
    if (last === undefined) throw new RangeError('CaseSimulator: the catalog has no items');
    return last;
  }

  /**
   * Posts, in batches, every pending event whose time has come on `clock()`: case by case (each
   * case's events in order, cases in the order of their first due event), and a batch ends at a
   * case boundary when it can. So the backfill sends each case's past whole, in one batch: the sweep
   * that follows a batch never judges half a history at the present instant (it would raise, say, a
   * red card that the case's next batch revokes again).
   */
  async #flushDue(): Promise<void> {
    const now = this.#clock().getTime();
    let due = 0;
    while (due < this.#pending.length && (this.#pending[due]?.at ?? Infinity) <= now) due++;
    if (due > 1) this.#pending = groupByCase(this.#pending.slice(0, due)).concat(this.#pending.slice(due));
    const caseAt = (index: number): string | undefined => this.#pending[index]?.event.caseNo;
    while (due > 0) {
      if (this.#client.stopping) throw new Stopped();
      let size = Math.min(this.#batchSize, due);
      if (size < due) {
        let cut = size;
        while (cut > 0 && caseAt(cut) === caseAt(cut - 1)) cut--;
        if (cut > 0) size = cut; // else one case exceeds a batch: split it
      }
      await this.#postEvents(this.#pending.slice(0, size).map((p) => p.event));
      this.#pending.splice(0, size);
      due -= size;
    }
  }

  async #postEvents(events: DemoCaseEvent[]): Promise<void> {
    const answer = await this.#client.request('POST', '/api/v1/events', { events });
    if (answer.status >= 400 || !isEventsAnswer(answer.body)) {
      // A refused batch would be refused again: count it and move on.
      this.#stats.failed += events.length;
      this.#log(`模拟器: ${events.length} 条事件被拒收 batch refused: HTTP ${answer.status} ${excerpt(answer.body)}`);
      return;
    }
    const { accepted, duplicates, rejected, results } = answer.body;
    this.#stats.sent += events.length;
    this.#stats.accepted += accepted;
    this.#stats.duplicates += duplicates;
    this.#stats.rejected += rejected;
    this.#log(
      `模拟器: 已发送 ${events.length} 条事件 (${accepted} accepted, ${duplicates} duplicates, ${rejected} rejected)`,
    );
    for (const result of results.filter((r) => r.status === 'rejected').slice(0, 3)) {
      const reason = result.error ? `${result.error.code ?? ''} ${result.error.message ?? ''}`.trim() : 'no reason given';
      this.#log(`模拟器: 事件 ${result.eventId ?? '?'} 被拒绝 rejected: ${reason}`);
    }
  }
}

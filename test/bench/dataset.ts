/**
 * Benchmark data, deterministic from a seed: the demo catalog, the ingest workload (full case
 * histories from the demo generator, sent in time order across cases) and the query workload
 * (a million cases with one intake each, some concluded, some paused).
 */
import { DEMO_COUNTY_CODE, DEMO_DEPARTMENTS, DEMO_ITEMS, type CatalogItem } from '../../node/demo/catalog.ts';
import {
  formatShanghai, generateCase, generateCaseNo, mulberry32, shanghaiDay, shanghaiInstant,
  type DemoCaseEvent,
} from '../../node/demo/case-scenarios.ts';
import { loadWorkCalendar } from '../../node/demo/demo-calendar.ts';
import { progress, type HttpClient } from './support.ts';

const MS_PER_DAY = 86_400_000;
const ACCEPT_FROM = 8 * 3600 + 30 * 60;
const ACCEPT_UNTIL = 17 * 3600;
const LUNCH_FROM = 12 * 3600;
const LUNCH_UNTIL = 14 * 3600;

/** Local day number of a 'YYYY-MM-DD' date. */
export const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;

/** The node's working-day calendar over config/calendars, as the benchmarked node loads it. */
const CALENDAR = await loadWorkCalendar();

/** Working days (by the node's calendar) in [from, to]. */
export function workingDays(from: string, to: string): number[] {
  const days: number[] = [];
  for (let day = dayOf(from); day <= dayOf(to); day++) if (CALENDAR.isWorkingDay(day)) days.push(day);
  return days;
}

/** PUTs the demo departments and items. */
export async function loadCatalog(api: HttpClient): Promise<void> {
  for (const { code, name } of DEMO_DEPARTMENTS) {
    await api.json('PUT', `/api/v1/departments/${encodeURIComponent(code)}`, { name }, [200, 201]);
  }
  for (const { itemCode, ...body } of DEMO_ITEMS) {
    await api.json('PUT', `/api/v1/items/${encodeURIComponent(itemCode)}`, body, [200, 201]);
  }
}

/** Acceptance seconds of one day's `count` cases: office hours, fewer over lunch, ascending. */
function acceptanceSeconds(rng: () => number, count: number): number[] {
  const seconds: number[] = [];
  while (seconds.length < count) {
    const second = ACCEPT_FROM + Math.floor(rng() * (ACCEPT_UNTIL - ACCEPT_FROM));
    if (second >= LUNCH_FROM && second < LUNCH_UNTIL && rng() < 0.7) continue;
    seconds.push(second);
  }
  return seconds.sort((a, b) => a - b);
}

// 即办件 and 不动产登记 are the busiest windows of a county hall (as in the demo simulator).
const ITEM_WEIGHTS = DEMO_ITEMS.map((item) => (item.promisedLimitDays === 0 || item.fees.length > 0 ? 3 : 1));
const ITEM_WEIGHT_TOTAL = ITEM_WEIGHTS.reduce((sum, w) => sum + w, 0);

function pickItem(rng: () => number): CatalogItem {
  let r = rng() * ITEM_WEIGHT_TOTAL;
  for (const [i, item] of DEMO_ITEMS.entries()) {
    r -= ITEM_WEIGHTS[i] ?? 0;
    if (r < 0) return item;
  }
  return DEMO_ITEMS.at(-1)!;
}

/** Stable sort of events by their instant: a case's events keep their order on ties. */
function inTimeOrder<T extends { occurredAt: string }>(events: T[]): T[] {
  const keyed = events.map((event, index) => ({ at: Date.parse(event.occurredAt), index, event }));
  keyed.sort((a, b) => a.at - b.at || a.index - b.index);
  return keyed.map((k) => k.event);
}

export interface IngestWorkload {
  cases: number;
  /** Every event of every case, in time order across cases. */
  events: DemoCaseEvent[];
  /** Cases whose intake still carries a query password (hashed with scrypt by the node). */
  withQueryPassword: number;
}

/**
 * `cases` demo cases accepted on the working days of 2025-2026, each with its full history from the
 * demo generator (the scenario mix of `pickScenario`), all events sorted by occurredAt so that one
 * case's events land in different requests. One case in `passwordEvery` keeps its query password.
 */
export function ingestWorkload(seed: number, cases: number, passwordEvery = 10_000): IngestWorkload {
  const days = workingDays('2025-01-01', '2026-12-31');
  const events: DemoCaseEvent[] = [];
  let withQueryPassword = 0;
  let caseIndex = 0;
  for (const [d, day] of days.entries()) {
    // Spread the cases evenly over the days: day d takes cases [d*cases/D, (d+1)*cases/D).
    const count = Math.floor(((d + 1) * cases) / days.length) - Math.floor((d * cases) / days.length);
    const rng = mulberry32((seed ^ Math.imul(day, 0x9e3779b1)) >>> 0);
    for (const [index, second] of acceptanceSeconds(rng, count).entries()) {
      const acceptedAt = shanghaiInstant(day, second);
      const caseNo = generateCaseNo(DEMO_COUNTY_CODE, acceptedAt, index + 1);
      const history = generateCase({ rng, caseNo, item: pickItem(rng), acceptedAt, calendar: CALENDAR });
      const intake = history[0];
      const keepPassword = caseIndex % passwordEvery === passwordEvery - 1;
      if (intake && 'queryPassword' in intake) {
        if (keepPassword) withQueryPassword++;
        else delete intake.queryPassword;
      }
      for (const event of history) events.push(event);
      caseIndex++;
    }
  }
  return { cases: caseIndex, events: inTimeOrder(events), withQueryPassword };
}

export interface QueryWorkload {
  /** Every case number, in generation order. */
  caseNos: string[];
  /** Events in time order: one intake per case, a conclusion for some, a suspension for others. */
  events: DemoCaseEvent[];
  /** Cases with an event after the question instant (recomputed by lists and the board). */
  changedAfterAt: number;
}

/**
 * `cases` cases for the query benchmark, as seen at the instant `at` (a working day):
 * - 40% concluded, accepted uniformly over 2025-01-02..`at`, concluded 0 to limit+3 days later;
 * - the other 60% open: 70% of them accepted in the last 30 working days (green, yellow or red),
 *   30% over the whole range (red, mostly with red cards); 6% of open cases are paused by an
 *   open suspension;
 * - one case in a thousand gets its conclusion after `at`, so lists and the board meet a few
 *   cases they must recompute from events.
 */
export function queryWorkload(seed: number, cases: number, at: Date): QueryWorkload {
  const rng = mulberry32(seed);
  const atMs = at.getTime();
  const atDay = shanghaiDay(at);
  const days = workingDays('2025-01-02', formatShanghai(at).slice(0, 10)).filter((day) => day < atDay);
  const recent = days.slice(-30);
  const perDay = new Map<number, number>();
  const caseNos: string[] = [];
  const events: DemoCaseEvent[] = [];
  let changedAfterAt = 0;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const instantOn = (day: number): Date => shanghaiInstant(day, ACCEPT_FROM + Math.floor(rng() * (ACCEPT_UNTIL - ACCEPT_FROM)));
  for (let i = 0; i < cases; i++) {
    const item = pickItem(rng);
    const concluded = rng() < 0.4;
    const day = concluded || rng() < 0.3 ? pick(days) : pick(recent);
    const sequence = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, sequence);
    const acceptedAt = instantOn(day);
    const caseNo = generateCaseNo(DEMO_COUNTY_CODE, acceptedAt, sequence);
    caseNos.push(caseNo);
    events.push({
      eventId: `${caseNo}-01`, caseNo, type: 'accepted', occurredAt: formatShanghai(acceptedAt),
      itemCode: item.itemCode, departmentCode: item.departmentCode,
      applicant: { name: `申请人${i % 9973}`, idType: '111', idNo: `610203199001${String(i % 1_000_000).padStart(6, '0')}` },
      channel: pick(['hall', 'web', 'app', 'kiosk'] as const), promisedLimitDays: item.promisedLimitDays,
    });
    if (concluded) {
      let endDay = day;
      for (let left = Math.floor(rng() * (item.promisedLimitDays + 4)); left > 0;) if (CALENDAR.isWorkingDay(++endDay)) left--;
      const lateAnswer = i % 1000 === 999;
      let endAt = instantOn(endDay);
      if (endAt.getTime() <= acceptedAt.getTime()) endAt = new Date(acceptedAt.getTime() + 3_600_000);
      if (lateAnswer) endAt = new Date(atMs + 3_600_000 + Math.floor(rng() * 7 * MS_PER_DAY));
      else if (endAt.getTime() > atMs) endAt = new Date(Math.max(acceptedAt.getTime() + 60_000, atMs - 3_600_000));
      if (endAt.getTime() > atMs) changedAfterAt++;
      events.push({ eventId: `${caseNo}-02`, caseNo, type: 'concluded', occurredAt: formatShanghai(endAt), result: rng() < 0.95 ? 'approved' : 'denied' });
    } else if (rng() < 0.06) {
      const pausedAt = new Date(acceptedAt.getTime() + Math.floor(rng() * Math.max(60_000, atMs - 3_600_000 - acceptedAt.getTime())));
      events.push({
        eventId: `${caseNo}-02`, caseNo, type: 'suspended', occurredAt: formatShanghai(pausedAt),
        procedure: 'special', kind: 'siteInspection', reason: '需组织现场勘验。', plannedDays: 10, plannedUnit: 'workday',
      });
    }
  }
  progress(`query workload: ${cases} cases, ${events.length} events, ${changedAfterAt} cases changed after the question instant`);
  return { caseNos, events: inTimeOrder(events), changedAfterAt };
}

/** Cuts events into request bodies `{"events":[...]}` of `size`, serialized once, as bytes. */
export function requestBodies(events: readonly DemoCaseEvent[], size: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < events.length; i += size) {
    bodies.push(Buffer.from(JSON.stringify({ events: events.slice(i, i + size) }), 'utf8'));
  }
  return bodies;
}

export interface SendTotals {
  requests: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first few refusals, for the report. */
  firstRejections: string[];
  seconds: number;
}

interface EventsAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: { eventId: string | null; status: string; error?: { code?: string; message?: string } }[];
}

/**
 * Called after each answer with the number of requests answered so far (1, 2, ... in the order the
 * answers came) and the totals including it; the next request of that worker waits for it.
 */
export type OnAnswer = (answered: number, totals: Readonly<SendTotals>) => Promise<void>;

/**
 * POSTs every body to /api/v1/events with `concurrency` requests in flight, in order (each
 * worker takes the next body), and times the whole run. Any non-200 answer aborts the run.
 */
export async function sendBodies(api: HttpClient, bodies: readonly Buffer[], concurrency: number, label: string, onAnswer?: OnAnswer): Promise<SendTotals> {
  const totals: SendTotals = { requests: 0, accepted: 0, duplicates: 0, rejected: 0, firstRejections: [], seconds: 0 };
  let next = 0;
  let lastReport = performance.now();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < bodies.length; index = next++) {
      const answer = await api.json<EventsAnswer>('POST', '/api/v1/events', bodies[index]);
      totals.requests++;
      totals.accepted += answer.accepted;
      totals.duplicates += answer.duplicates;
      totals.rejected += answer.rejected;
      if (answer.rejected > 0 && totals.firstRejections.length < 5) {
        for (const result of answer.results) {
          if (result.status === 'rejected' && totals.firstRejections.length < 5) {
            totals.firstRejections.push(`${result.eventId ?? '?'}: ${result.error?.code ?? ''} ${result.error?.message ?? ''}`);
          }
        }
      }
      if (onAnswer) await onAnswer(totals.requests, totals);
      const now = performance.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        const done = totals.accepted + totals.duplicates + totals.rejected;
        progress(`${label}: ${totals.requests}/${bodies.length} requests, ${done} events, ${Math.round(done / ((now - started) / 1000))} events/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  totals.seconds = (performance.now() - started) / 1000;
  return totals;
}

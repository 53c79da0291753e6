/**
 * A light list recomputes, from their events, only the cases changed after its instant that
 * `mayHaveHadLightSql` does not rule out on their cached row (folded from every event). These
 * tests hold that SQL, as PostgreSQL evaluates it, to random case histories cut at random
 * instants: whenever a case's own verdict at the cut has a light, the cached row of its whole
 * history passes the bound for that light (else the list would miss it). They also check that the
 * bound rules out most of the others, so the lists gain from it.
 */
import { expect } from 'chai';
import type { CaseEvent, LimitUnit } from '../../node/cases/case-event.ts';
import { computeCaseStateRow } from '../../node/cases/case-state.ts';
import { mayHaveHadLightSql } from '../../node/cases/light-sql.ts';
import { loadCalendarFiles } from '../../node/calendar/calendar-files.ts';
import { isoFromDay, localDayOf } from '../../node/calendar/local-date.ts';
import { WorkCalendar } from '../../node/calendar/work-calendar.ts';
import { mulberry32 } from '../../node/demo/case-scenarios.ts';
import { DEFAULT_TIME_POLICY, type TimePolicy } from '../../node/timelimits/policy.ts';
import type { TimeRulesSnapshot } from '../../node/timelimits/time-rules.ts';
import type { Light } from '../../node/timelimits/timeline.ts';
import { evaluateCase } from '../../node/timelimits/verdict.ts';
import { POSTGRES_URL, withClient } from '../support/test-database.ts';

const CALENDAR = new WorkCalendar(await loadCalendarFiles(new URL('../../config/calendars/', import.meta.url)));
const LIGHTS: Light[] = ['green', 'yellow', 'red', 'paused'];
const HOUR = 3_600_000;

/** One case's history: its limit and events (some sharing an instant, some refused by the fold). */
interface History {
  caseNo: string;
  limitDays: number;
  limitUnit: LimitUnit;
  events: CaseEvent[];
}

/** Deterministic histories around the 2026 Spring Festival, every event type in any order the fold meets. */
function histories(seed: number, count: number): History[] {
  const next = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, (_, n) => {
    const caseNo = `SLB-${n}`;
    let ms = Date.parse('2026-02-02T01:00:00Z') + Math.floor(next() * 40) * 86_400_000 + Math.floor(next() * 10) * HOUR;
    const base = (i: number) => ({ eventId: `${caseNo}-${i}`, caseNo, occurredAt: new Date(ms).toISOString() });
    const intake = { itemCode: 'I', departmentCode: 'D', applicant: { name: '张三' } };
    const events: CaseEvent[] = [next() < 0.95 ? { ...base(0), type: 'accepted', ...intake } : { ...base(0), type: 'notAccepted', ...intake, reason: '不属于本机关' }];
    for (let i = 1, more = Math.floor(next() * 7); i <= more; i++) {
      if (next() > 0.15) ms += Math.floor(next() * 4) * 86_400_000 + Math.floor(next() * 9) * HOUR;
      const kind = pick(['suspended', 'suspended', 'resumed', 'resumed', 'stage', 'fee', 'concluded'] as const);
      if (kind === 'suspended') events.push({ ...base(i), type: 'suspended', procedure: pick(['special', 'supplement'] as const) });
      else if (kind === 'resumed') events.push({ ...base(i), type: 'resumed' });
      else if (kind === 'stage') events.push({ ...base(i), type: 'stage', stage: 'review' });
      else if (kind === 'fee') events.push({ ...base(i), type: 'fee', feeCode: 'F', amountFen: 100 });
      else events.push({ ...base(i), type: 'concluded', result: 'approved' });
    }
    return { caseNo, limitDays: pick([0, 1, 2, 3, 5, 8]), limitUnit: next() < 0.75 ? 'workday' : 'calendarDay', events };
  });
}

/** Instants to cut a history at: each event's, just before it, between events, and days after the last. */
function cutsOf(events: readonly CaseEvent[]): Date[] {
  const times = events.map((event) => Date.parse(event.occurredAt));
  const cuts = times.flatMap((ms) => [ms - 1, ms, ms + 5 * HOUR]);
  const last = Math.max(...times);
  for (let days = 1; days <= 12; days += 3) cuts.push(last + days * 86_400_000);
  return cuts.map((ms) => new Date(ms));
}

/** One history cut at one instant: its light then and the cached row of every event. */
interface Sample {
  light: Light | null;
  /** Some event of the case occurred after the cut: a list would recompute it. */
  stale: boolean;
  t: string;
  acceptedDay: string | null;
  concludedDay: string | null;
  deadline: string | null;
  yellowFrom: string | null;
}

function samplesOf(seed: number, count: number, policy: TimePolicy): Sample[] {
  const rules: TimeRulesSnapshot = { calendar: CALENDAR, policy, calendarSources: new Map(), version: 1 };
  const samples: Sample[] = [];
  for (const history of histories(seed, count)) {
    const limit = { limitDays: history.limitDays, limitUnit: history.limitUnit };
    const row = computeCaseStateRow(history.caseNo, history.events, limit, rules);
    const item = { itemCode: 'I', departmentCode: 'D', promisedLimitDays: history.limitDays, limitUnit: history.limitUnit };
    for (const at of cutsOf(history.events)) {
      const verdict = evaluateCase({ caseNo: history.caseNo, events: history.events, item, calendar: CALENDAR, policy, at });
      samples.push({
        light: verdict.light,
        stale: history.events.some((event) => Date.parse(event.occurredAt) > at.getTime()),
        t: isoFromDay(localDayOf(at)),
        acceptedDay: row.accepted_day,
        concludedDay: row.concluded_day,
        deadline: row.deadline,
        yellowFrom: row.yellow_from,
      });
    }
  }
  return samples;
}

interface Outcome {
  /** Samples with the light that the bound rules out: cases a list would miss. */
  missed: number;
  withLight: number;
  /** Stale samples without the light that the bound rules out: recomputations saved. */
  ruledOut: number;
  staleWithout: number;
}

/** `mayHaveHadLightSql(light)` evaluated by PostgreSQL over every sample. */
async function outcomeOf(samples: readonly Sample[], light: Light): Promise<Outcome> {
  return withClient(POSTGRES_URL, async (client) => {
    const { rows } = await client.query<Record<keyof Outcome, number>>(`SELECT
        count(*) FILTER (WHERE has AND passes IS NOT TRUE)::int AS missed,
        count(*) FILTER (WHERE has)::int AS "withLight",
        count(*) FILTER (WHERE stale AND NOT has AND passes IS NOT TRUE)::int AS "ruledOut",
        count(*) FILTER (WHERE stale AND NOT has)::int AS "staleWithout"
      FROM (SELECT has, stale, (${mayHaveHadLightSql(light, 'c.t')}) AS passes
        FROM unnest($1::boolean[], $2::boolean[], $3::date[], $4::date[], $5::date[], $6::date[], $7::date[])
          AS c(has, stale, t, accepted_day, concluded_day, deadline, yellow_from)) AS judged`, [
      samples.map((s) => s.light === light), samples.map((s) => s.stale), samples.map((s) => s.t), samples.map((s) => s.acceptedDay),
      samples.map((s) => s.concludedDay), samples.map((s) => s.deadline), samples.map((s) => s.yellowFrom),
    ]);
    return rows[0]!;
  });
}

describe('integration: the bound on the cached row of a case changed after a list\'s instant', function () {
  this.timeout(60_000);

  for (const [name, policy] of [
    ['the default policy', DEFAULT_TIME_POLICY],
    ['yellow two days ahead', { ...DEFAULT_TIME_POLICY, yellowAtRemainingDays: 2 }],
  ] as const) {
    it(`never rules out a case that had the light, for 3,000 histories cut at every kind of instant (${name})`, async () => {
      const samples = samplesOf(20261206, 3000, policy);
      for (const light of LIGHTS) {
        const outcome = await outcomeOf(samples, light);
        expect(outcome.missed, `${light}: ${JSON.stringify(outcome)}`).to.equal(0);
        expect(outcome.withLight, light).to.be.greaterThan(200);
        expect(outcome.ruledOut / outcome.staleWithout, `${light}: ${JSON.stringify(outcome)}`).to.be.greaterThan(0.4);
      }
    });
  }
});

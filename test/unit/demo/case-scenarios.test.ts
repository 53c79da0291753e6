import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  DEMO_APPLICANT_PROFILES,
  DEMO_DEPARTMENTS,
  DEMO_ITEMS,
  type CatalogItem,
} from '../../../node/demo/catalog.ts';
import {
  SCENARIOS,
  generateCase,
  generateCaseNo,
  mulberry32,
  pickScenario,
  type DemoCaseEvent,
  type Scenario,
} from '../../../node/demo/case-scenarios.ts';
import { loadWorkCalendar } from '../../../node/demo/demo-calendar.ts';
import { WorkCalendar } from '../../../node/calendar/work-calendar.ts';
// The node's calendar over config/calendars, read by the time-limit tests' own fixture.
import { CALENDAR } from '../timelimits/fixtures.ts';

// ---- helpers that do not rely on the generator's own code ------------------------------------

const isWorkingDay = (day: number): boolean => CALENDAR.isWorkingDay(day);

const MS_PER_DAY = 86_400_000;
const LOCAL_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$/;

/** Day number of the local date of a +08:00 timestamp, read straight from the string. */
function localDay(occurredAt: string): number {
  const m = LOCAL_TIMESTAMP.exec(occurredAt);
  if (!m) throw new Error(`not a +08:00 timestamp: ${occurredAt}`);
  return Date.parse(`${m[1]}T00:00:00Z`) / MS_PER_DAY;
}

function secondOfDay(occurredAt: string): number {
  const m = LOCAL_TIMESTAMP.exec(occurredAt);
  if (!m) throw new Error(`not a +08:00 timestamp: ${occurredAt}`);
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const isWeekday = (day: number): boolean => ![0, 6].includes((((day + 4) % 7) + 7) % 7);

/** Days D with from < D <= to that satisfy `counts`. */
function countDays(from: number, to: number, counts: (day: number) => boolean): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (counts(d)) n++;
  return n;
}

function item(predicate: (candidate: CatalogItem) => boolean): CatalogItem {
  const found = DEMO_ITEMS.find(predicate);
  if (!found) throw new Error('no such demo item');
  return found;
}

function only<T extends DemoCaseEvent['type']>(events: DemoCaseEvent[], type: T): Extract<DemoCaseEvent, { type: T }>[] {
  return events.filter((e): e is Extract<DemoCaseEvent, { type: T }> => e.type === type);
}

/** Acceptance instants on working days during office hours, over 2024-2027 (2027 has no holiday data). */
function acceptanceInstants(count: number, seed: number): Date[] {
  const rng = mulberry32(seed);
  const start = Date.parse('2024-01-01T00:00:00Z') / MS_PER_DAY;
  const out: Date[] = [];
  while (out.length < count) {
    const day = start + Math.floor(rng() * 4 * 365);
    if (!isWorkingDay(day)) continue;
    const second = 8 * 3600 + 30 * 60 + Math.floor(rng() * 8.5 * 3600);
    out.push(new Date(day * MS_PER_DAY + second * 1000 - 8 * 3_600_000));
  }
  return out;
}

// The published contract (schemas/), compiled the way the node compiles it.
// ajv-formats is CommonJS: under ESM its plugin is the `default` property of module.exports.
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ discriminator: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv, ['date-time', 'date']);
const schema = (file: string): object => JSON.parse(readFileSync(new URL(`../../../schemas/${file}`, import.meta.url), 'utf8'));
const validEvent = ajv.compile(schema('case-event.schema.json'));
const validItem = ajv.compile(schema('item.schema.json'));
const validDepartment = ajv.compile(schema('department.schema.json'));

// ---- catalog --------------------------------------------------------------------------------

describe('demo catalog', () => {
  it('has about eight departments with unique codes and Chinese names', () => {
    expect(DEMO_DEPARTMENTS.length).to.be.within(6, 12);
    expect(new Set(DEMO_DEPARTMENTS.map((d) => d.code)).size).to.equal(DEMO_DEPARTMENTS.length);
    for (const { code, name } of DEMO_DEPARTMENTS) {
      expect(code).to.match(/^610203-[A-Z]+$/);
      expect(name).to.match(/局$/);
      expect(validDepartment({ name }), JSON.stringify(validDepartment.errors)).to.equal(true);
    }
  });

  it('has about 25 items, each consistent with its department and the item schema', () => {
    const departments = new Set(DEMO_DEPARTMENTS.map((d) => d.code));
    expect(DEMO_ITEMS.length).to.be.within(20, 30);
    expect(new Set(DEMO_ITEMS.map((i) => i.itemCode)).size).to.equal(DEMO_ITEMS.length);
    for (const { itemCode, ...body } of DEMO_ITEMS) {
      expect(itemCode).to.match(/^[A-Za-z0-9._:-]{1,64}$/);
      expect(departments.has(body.departmentCode), `${itemCode} department`).to.equal(true);
      expect(Number.isInteger(body.legalLimitDays)).to.equal(true);
      expect(Number.isInteger(body.promisedLimitDays)).to.equal(true);
      expect(body.promisedLimitDays, `${itemCode} promised <= legal`).to.be.within(0, body.legalLimitDays);
      expect(body.promisedVisits).to.be.oneOf([0, 1]);
      for (const fee of body.fees) {
        expect(Number.isInteger(fee.amountFen), `${itemCode} ${fee.code}`).to.equal(true);
        expect(fee.amountFen).to.be.greaterThan(0);
      }
      expect(validItem(structuredClone(body)), JSON.stringify(validItem.errors)).to.equal(true);
    }
  });

  it('mixes immediate items, calendar-day items and charged items among mostly free ones', () => {
    expect(DEMO_ITEMS.filter((i) => i.promisedLimitDays === 0).length).to.be.at.least(2);
    expect(DEMO_ITEMS.filter((i) => i.limitUnit === 'calendarDay').length).to.be.at.least(2);
    const charged = DEMO_ITEMS.filter((i) => i.fees.length > 0).length;
    expect(charged).to.be.at.least(1);
    expect(charged).to.be.below(DEMO_ITEMS.length / 2);
  });

  it('describes applicants only for known items', () => {
    const codes = new Set(DEMO_ITEMS.map((i) => i.itemCode));
    for (const [code, profile] of Object.entries(DEMO_APPLICANT_PROFILES)) {
      expect(codes.has(code), code).to.equal(true);
      if (profile.kind === 'organisation') expect(profile.trades).to.not.be.empty;
    }
  });
});

// ---- generator ------------------------------------------------------------------------------

describe('demo case scenarios', () => {
  const acceptedAt = new Date('2025-06-03T09:14:00+08:00');
  const food = item((i) => i.name === '食品经营许可');

  it('mulberry32 is reproducible and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).to.deep.equal(xs);
    for (const x of xs) expect(x).to.be.at.least(0).and.below(1);
    expect(mulberry32(43)()).to.not.equal(xs[0]);
  });

  it('gives the same events for the same seed', () => {
    for (const scenario of SCENARIOS) {
      const run = (seed: number): DemoCaseEvent[] =>
        generateCase({ rng: mulberry32(seed), caseNo: 'C-1', item: food, acceptedAt, scenario, calendar: CALENDAR });
      expect(run(7), scenario).to.deep.equal(run(7));
    }
    const picked = (seed: number): DemoCaseEvent[] => generateCase({ rng: mulberry32(seed), caseNo: 'C-1', item: food, acceptedAt, calendar: CALENDAR });
    expect(picked(11)).to.deep.equal(picked(11));
    expect(picked(11)).to.not.deep.equal(picked(12));
  });

  it('builds 办件编号 from county, local date and a 6-digit sequence', () => {
    // 20:00 UTC on 30 June is already 1 July in Shanghai.
    expect(generateCaseNo('610203', new Date('2025-06-30T20:00:00Z'), 42)).to.equal('61020320250701000042');
    expect(generateCaseNo('610203', acceptedAt, 999_999).length).to.be.at.most(50);
    expect(() => generateCaseNo('6102', acceptedAt, 1)).to.throw(RangeError);
    expect(() => generateCaseNo('610203', acceptedAt, 0)).to.throw(RangeError);
    expect(() => generateCaseNo('610203', acceptedAt, 1_000_000)).to.throw(RangeError);
  });

  describe('every item in every scenario', () => {
    const instants = acceptanceInstants(12, 2024);
    const cases: { item: CatalogItem; scenario: Scenario; at: Date; events: DemoCaseEvent[] }[] = [];
    let seq = 0;
    for (const it of DEMO_ITEMS) {
      for (const scenario of SCENARIOS) {
        // Same-day conclusion is the 即办件 scenario; skip the combinations that make no sense.
        if (scenario === 'immediate' && it.promisedLimitDays > 0) continue;
        if ((scenario === 'onTime' || scenario === 'early' || scenario === 'suspended') && it.promisedLimitDays === 0) continue;
        for (const at of instants) {
          seq++;
          const caseNo = generateCaseNo('610203', at, seq);
          cases.push({ item: it, scenario, at, events: generateCase({ rng: mulberry32(seq), caseNo, item: it, acceptedAt: at, scenario, calendar: CALENDAR }) });
        }
      }
    }

    const byScenario = (scenario: Scenario): typeof cases => cases.filter((c) => c.scenario === scenario);
    const acceptedDay = (c: (typeof cases)[number]): number => localDay(c.events[0]?.occurredAt ?? '');
    const concludedDay = (c: (typeof cases)[number]): number => {
      const concluded = only(c.events, 'concluded');
      expect(concluded, `${c.scenario} ${c.item.name}`).to.have.length(1);
      return localDay(concluded[0]?.occurredAt ?? '');
    };
    const countsFor = (it: CatalogItem) => (day: number): boolean => it.limitUnit === 'calendarDay' || isWorkingDay(day);

    it('produces valid events: schema, unique ids, case number, +08:00 times in order', () => {
      expect(cases.length).to.be.greaterThan(500);
      for (const { events, item: it, at } of cases) {
        const first = events[0];
        expect(first?.type).to.be.oneOf(['accepted', 'notAccepted']);
        if (first?.type === 'accepted' || first?.type === 'notAccepted') {
          expect(first.itemCode).to.equal(it.itemCode);
          expect(first.departmentCode).to.equal(it.departmentCode);
          expect(first.applicant.name).to.match(/^\p{Script=Han}{2,}/u);
          expect(Date.parse(first.occurredAt)).to.equal(Math.floor(at.getTime() / 1000) * 1000);
        }
        expect(new Set(events.map((e) => e.eventId)).size).to.equal(events.length);
        let previous = -Infinity;
        for (const e of events) {
          expect(validEvent(e), `${e.eventId}: ${JSON.stringify(validEvent.errors)}`).to.equal(true);
          expect(e.caseNo).to.equal(first?.caseNo);
          expect(e.caseNo.length).to.be.within(1, 50);
          expect(e.eventId.length).to.be.within(1, 64);
          expect(e.occurredAt).to.match(LOCAL_TIMESTAMP);
          const t = Date.parse(e.occurredAt);
          expect(t, `${e.eventId} after the previous event`).to.be.greaterThan(previous);
          previous = t;
          // Office hours on working days (a step squeezed in after a late acceptance may run a little over).
          expect(isWorkingDay(localDay(e.occurredAt)), e.occurredAt).to.equal(true);
          expect(secondOfDay(e.occurredAt), e.occurredAt).to.be.within(8 * 3600 + 30 * 60, 18 * 3600);
        }
      }
    });

    it('keeps the procedure in order: 承办 before 审核 before 批准, fees and 办结 last', () => {
      for (const { events, scenario } of cases) {
        if (scenario === 'refused') continue;
        const stages = only(events, 'stage');
        expect(stages[0]?.stage).to.equal('undertake');
        for (const s of stages) expect(s.handler?.id).to.match(/^610203-[A-Z]+-(CB|SH|PZ)0\d$/);
        const concluded = events.findIndex((e) => e.type === 'concluded');
        if (concluded < 0) continue;
        expect(concluded).to.equal(events.length - 1);
        const lastApprove = events.findLastIndex((e) => e.type === 'stage' && e.stage === 'approve');
        expect(lastApprove).to.be.within(1, concluded - 1);
        const reviewIndexes = events.flatMap((e, i) => (e.type === 'stage' && e.stage === 'review' ? [i] : []));
        for (const i of reviewIndexes) expect(i).to.be.below(lastApprove);
        const fees = events.flatMap((e, i) => (e.type === 'fee' ? [i] : []));
        for (const i of fees) expect(i).to.be.within(lastApprove + 1, concluded - 1);
      }
    });

    it('charges the item fees on approval and nothing on denial', () => {
      for (const { events, item: it } of cases) {
        const concluded = only(events, 'concluded')[0];
        if (!concluded) continue;
        const fees = only(events, 'fee').map((f) => ({ code: f.feeCode, amountFen: f.amountFen }));
        if (concluded.result === 'approved') {
          expect(fees).to.deep.equal(it.fees.map((f) => ({ code: f.code, amountFen: f.amountFen })));
        } else {
          expect(concluded.result).to.equal('denied');
          expect(fees).to.deep.equal([]);
        }
      }
    });

    it('refused: one notAccepted event and nothing else', () => {
      for (const { events } of byScenario('refused')) {
        expect(events).to.have.length(1);
        const [refusal] = only(events, 'notAccepted');
        expect(refusal?.reason).to.be.a('string').and.not.empty;
      }
    });

    it('immediate: concluded and approved on the local day of acceptance', () => {
      const immediate = byScenario('immediate');
      expect(immediate).to.not.be.empty;
      for (const c of immediate) {
        expect(concludedDay(c)).to.equal(acceptedDay(c));
        expect(only(c.events, 'concluded')[0]?.result).to.equal('approved');
      }
    });

    it('late: concluded after more weekdays (or calendar days) than the committed limit', () => {
      for (const c of byScenario('late')) {
        const limit = c.item.promisedLimitDays;
        const counted = c.item.limitUnit === 'calendarDay'
          ? concludedDay(c) - acceptedDay(c)
          : countDays(acceptedDay(c), concludedDay(c), isWeekday);
        expect(counted, `${c.item.name} ${c.events[0]?.occurredAt}`).to.be.greaterThan(limit);
      }
    });

    it('onTime and early: concluded within the limit, early strictly before the deadline', () => {
      for (const scenario of ['onTime', 'early'] as const) {
        for (const c of byScenario(scenario)) {
          const used = countDays(acceptedDay(c), concludedDay(c), countsFor(c.item));
          const limit = c.item.promisedLimitDays;
          expect(used, `${scenario} ${c.item.name} ${c.events[0]?.occurredAt}`).to.be.at.most(scenario === 'early' ? limit - 1 : limit);
          if (scenario === 'early' && limit >= 4) expect(used).to.be.at.most(Math.ceil(limit / 2));
        }
      }
    });

    it('suspended: a pause then a resumption, and concluded within the limit net of the pause', () => {
      for (const c of byScenario('suspended')) {
        const types = c.events.map((e) => e.type);
        const s = types.indexOf('suspended');
        const r = types.indexOf('resumed');
        expect(types.filter((t) => t === 'suspended')).to.have.length(1);
        expect(s).to.be.greaterThan(0);
        expect(r).to.be.greaterThan(s);
        expect(r).to.be.below(types.indexOf('concluded'));
        const from = localDay(c.events[s]?.occurredAt ?? '');
        const to = localDay(c.events[r]?.occurredAt ?? '');
        expect(to).to.be.greaterThan(from);
        const suspended = only(c.events, 'suspended')[0];
        expect(suspended?.procedure).to.be.oneOf(['special', 'supplement']);
        if (suspended?.procedure === 'special') expect(suspended.kind).to.be.a('string');
        const counts = countsFor(c.item);
        const used = countDays(acceptedDay(c), concludedDay(c), (d) => counts(d) && !(d > from && d <= to));
        expect(used, `${c.item.name} ${c.events[0]?.occurredAt}`).to.be.at.most(c.item.promisedLimitDays);
      }
    });

    it('open: accepted and picked up, never concluded', () => {
      for (const { events } of byScenario('open')) {
        expect(events[0]?.type).to.equal('accepted');
        expect(events[1]?.type).to.equal('stage');
        expect(events.some((e) => e.type === 'concluded' || e.type === 'notAccepted')).to.equal(false);
      }
    });
  });

  describe('the calendar it is given', () => {
    // A made-up year, so that only a generator that reads its calendar can follow it: a week of
    // holidays (Mon 2027-03-08 to Fri 03-12) and the Saturday after it a working day.
    const HOLIDAYS = ['2027-03-08', '2027-03-09', '2027-03-10', '2027-03-11', '2027-03-12'];
    const SATURDAY = '2027-03-13';
    const custom = new WorkCalendar([{ year: 2027, holidays: HOLIDAYS, workdays: [SATURDAY] }]);
    const dayOfIso = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;
    const friday = new Date('2027-03-05T15:00:00+08:00');
    const runs = DEMO_ITEMS.filter((it) => it.promisedLimitDays > 0 && it.limitUnit === 'workday').flatMap((it, i) =>
      (['onTime', 'early', 'late', 'suspended', 'open'] as const).flatMap((scenario) => Array.from({ length: 6 }, (_, k) => ({
        item: it, scenario, events: generateCase({ rng: mulberry32(1000 * i + 10 * k + scenario.length), caseNo: `CAL-${i}-${k}`, item: it, acceptedAt: friday, scenario, calendar: custom }),
      }))));

    it('handles cases on its working days only: never on its holidays, sometimes on its working Saturday', () => {
      const days = runs.flatMap((run) => run.events.map((e) => localDay(e.occurredAt)));
      for (const holiday of HOLIDAYS) expect(days, holiday).to.not.include(dayOfIso(holiday));
      expect(days).to.include(dayOfIso(SATURDAY));
      for (const day of days) expect(custom.isWorkingDay(day), String(day)).to.equal(true);
    });

    it('plans on-time cases against its deadline: within the limit counted on its working days', () => {
      for (const run of runs.filter((r) => r.scenario === 'onTime')) {
        const concluded = only(run.events, 'concluded')[0];
        expect(concluded, run.item.name).to.not.equal(undefined);
        const used = custom.countWorkingDays(localDay(run.events[0]!.occurredAt), localDay(concluded!.occurredAt));
        expect(used, run.item.name).to.be.at.most(run.item.promisedLimitDays);
        // Two working days or more from Friday lie after the holiday week (Mon-Fri would end inside it).
        if (run.item.promisedLimitDays >= 2) expect(localDay(concluded!.occurredAt), run.item.name).to.be.above(dayOfIso('2027-03-12'));
      }
    });

    it('loads the shipped calendar files as the node does: 2026-10-01 a holiday, Saturday 2026-10-10 a working day', async () => {
      const shipped = await loadWorkCalendar();
      expect(shipped.years()).to.deep.equal(CALENDAR.years());
      expect(shipped.isWorkingDay(dayOfIso('2026-10-01'))).to.equal(false);
      expect(shipped.isWorkingDay(dayOfIso('2026-10-10'))).to.equal(true);
    });
  });

  describe('pickScenario', () => {
    const tally = (it: CatalogItem): Map<Scenario, number> => {
      const rng = mulberry32(99);
      const counts = new Map<Scenario, number>();
      for (let i = 0; i < 5000; i++) {
        const s = pickScenario(rng, it);
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      return counts;
    };

    it('makes 即办件 immediate almost always', () => {
      const counts = tally(item((i) => i.promisedLimitDays === 0));
      expect(counts.get('immediate') ?? 0).to.be.greaterThan(4000);
      for (const s of ['onTime', 'early', 'suspended'] as const) expect(counts.get(s) ?? 0).to.equal(0);
    });

    it('mixes mostly on-time and early cases with some late, suspended and refused ones', () => {
      const counts = tally(food);
      const share = (s: Scenario): number => (counts.get(s) ?? 0) / 5000;
      expect(share('onTime') + share('early')).to.be.within(0.6, 0.8);
      expect(share('late')).to.be.within(0.05, 0.15);
      expect(share('suspended')).to.be.within(0.06, 0.18);
      expect(share('refused')).to.be.within(0.02, 0.08);
      expect(share('open')).to.be.within(0.01, 0.08);
      expect(share('immediate')).to.equal(0);
    });
  });
});

import { expect } from 'chai';
import { evaluateRules } from '../../../node/supervision/rules/evaluate-rules.ts';
import { ruleInfo } from '../../../node/supervision/rules/rule-catalog.ts';
import { RULE_CODES, type ReceivedEvent, type RuleInput } from '../../../node/supervision/rules/rule-types.ts';
import { DEFAULT_TIME_POLICY } from '../../../node/timelimits/policy.ts';
import { prng } from '../timelimits/fixtures.ts';
import {
  accepted,
  ALL_STAGES,
  CALENDAR,
  CASE_NO,
  charge,
  codes,
  concluded,
  limit,
  notAccepted,
  policyWith,
  resumed,
  ruleItem,
  run,
  rx,
  stage,
  suspended,
} from './fixtures.ts';

// Accepted Monday 2026-03-02, 5 working days: yellowFrom = deadline = 03-09, red light and yellow
// card 03-10, red card 03-13.
const open = () => [accepted('2026-03-02T10:00:00+08:00')];
const next = (events: Parameters<typeof run>[0], at: string, options: Parameters<typeof run>[2] = {}) =>
  run(events, at, options).nextDueAt;

/** A case that breaks every rule but FEE_ON_FREE_ITEM (which excludes the other fee rules). */
function troubledCase(): RuleInput {
  const events: ReceivedEvent[] = [
    rx(accepted('2026-03-02T10:00:00+08:00', { eventId: 'e01' })),
    rx(stage('2026-03-03T10:00:00+08:00', 'review', 'e02')), // before any undertaking
    rx(charge('2026-03-03T11:00:00+08:00', 'GB-1', 999)), // 1 fen short
    rx(charge('2026-03-03T11:05:00+08:00', 'XX-1', 500)), // not in the standard
    rx(suspended('2026-03-04T10:00:00+08:00', 'supplement', { eventId: 'e05', plannedDays: 1 })),
    rx(resumed('2026-03-09T10:00:00+08:00'), '2026-03-10T09:00:00+08:00'), // 3 working days of 1; reported late
    rx(suspended('2026-03-10T10:00:00+08:00', 'supplement', { eventId: 'e07' })),
    rx(resumed('2026-03-11T10:00:00+08:00')),
    rx(concluded('2026-03-30T10:00:00+08:00', 'denied')),
  ];
  return {
    caseNo: CASE_NO,
    events,
    item: ruleItem({ stages: ALL_STAGES, fees: [{ code: 'GB-1', name: '工本费', amountFen: 1000 }] }),
    limit: limit(5),
    calendar: CALENDAR,
    policy: DEFAULT_TIME_POLICY,
    at: new Date('2026-04-30T12:00:00+08:00'),
  };
}

describe('supervision/evaluateRules', () => {
  describe('findings', () => {
    it('gives at most one finding per rule, in the order of RULE_CODES, each with its rule version', () => {
      const outcome = evaluateRules(troubledCase());
      expect(codes(outcome)).to.deep.equal(RULE_CODES.filter((c) => c !== 'FEE_ON_FREE_ITEM'));
      for (const f of outcome.findings) {
        expect(f.ruleVersion, f.rule).to.equal(ruleInfo(f.rule).version);
        expect(f.ruleVersion, f.rule).to.equal(1);
        expect(Number.isNaN(Date.parse(f.foundAt)), f.rule).to.equal(false);
        expect(f.message, f.rule).to.match(/[\u4e00-\u9fff]/);
      }
      expect(outcome.nextDueAt).to.equal(null); // concluded
    });

    it('finds nothing on a case with no events', () => {
      expect(run([], '2026-03-02T10:00:00+08:00')).to.deep.equal({ findings: [], nextDueAt: null });
    });

    it('honours `at`: events that occur after it change nothing', () => {
      const input = troubledCase();
      const at = new Date('2026-03-05T12:00:00+08:00');
      const all = evaluateRules({ ...input, at });
      const upToAt = evaluateRules({ ...input, at, events: input.events.filter((e) => Date.parse(e.event.occurredAt) <= at.getTime()) });
      expect(all).to.deep.equal(upToAt);
      expect(codes(all)).to.deep.equal(['PROCESS_ORDER', 'FEE_NOT_IN_STANDARD', 'FEE_AMOUNT_MISMATCH']);
      expect(all.nextDueAt).to.equal('2026-03-06T00:00:00+08:00'); // the supplement's overrun day (1 working day planned)
    });

    it('is deterministic: the same input gives the same outcome, whatever the order of the events', () => {
      const input = troubledCase();
      const before = JSON.stringify(input.events);
      const first = evaluateRules(input);
      expect(evaluateRules(input)).to.deep.equal(first);
      const random = prng(42);
      for (let i = 0; i < 10; i++) {
        const shuffled = [...input.events].sort(() => random() - 0.5);
        expect(evaluateRules({ ...input, events: shuffled })).to.deep.equal(first);
      }
      expect(JSON.stringify(input.events)).to.equal(before); // the input is not modified
    });

    it('rejects events of another case, a malformed receivedAt and an invalid `at`', () => {
      const input = troubledCase();
      const stranger = rx({ ...stage('2026-03-03T10:00:00+08:00', 'review'), caseNo: 'OTHER' });
      expect(() => evaluateRules({ ...input, events: [...input.events, stranger] })).to.throw(RangeError);
      const badReceipt = rx(stage('2026-03-03T10:00:00+08:00', 'review'), '2026-03-03 10:00');
      expect(() => evaluateRules({ ...input, events: [...input.events, badReceipt] })).to.throw(RangeError);
      expect(() => evaluateRules({ ...input, at: new Date('nonsense') })).to.throw(RangeError);
    });
  });

  describe('nextDueAt', () => {
    it('is 00:00 of yellowFrom for an open green case', () => {
      expect(next(open(), '2026-03-02T10:00:00+08:00')).to.equal('2026-03-09T00:00:00+08:00');
      expect(next(open(), '2026-03-08T23:59:59+08:00')).to.equal('2026-03-09T00:00:00+08:00');
    });

    it('is strictly after `at`: at 00:00 of yellowFrom it is the red-light day', () => {
      expect(next(open(), '2026-03-09T00:00:00+08:00')).to.equal('2026-03-10T00:00:00+08:00');
    });

    it('is the red-card day once the light is red and the yellow card issued', () => {
      expect(next(open(), '2026-03-10T12:00:00+08:00')).to.equal('2026-03-13T00:00:00+08:00');
    });

    it('is the yellow-card day when the policy puts it after the red light', () => {
      const policy = policyWith({ yellowCardOverdueDays: 2, redCardOverdueDays: 5 });
      expect(next(open(), '2026-03-10T12:00:00+08:00', { policy })).to.equal('2026-03-11T00:00:00+08:00');
    });

    it('is null once every threshold is reached', () => {
      expect(next(open(), '2026-03-13T00:00:00+08:00')).to.equal(null);
    });

    it('is the next day for an immediate item on its acceptance day (no yellow light)', () => {
      expect(next(open(), '2026-03-02T12:00:00+08:00', { limit: limit(0) })).to.equal('2026-03-03T00:00:00+08:00');
    });

    it('is null for a concluded case (even one concluded early), a refused case, a pending case', () => {
      expect(next([...open(), concluded('2026-03-03T10:00:00+08:00')], '2026-03-04T10:00:00+08:00')).to.equal(null);
      expect(next([notAccepted('2026-03-02T10:00:00+08:00')], '2026-03-04T10:00:00+08:00')).to.equal(null);
      expect(next([stage('2026-03-02T10:00:00+08:00', 'review')], '2026-03-04T10:00:00+08:00')).to.equal(null);
    });

    it('is null for an open case whose limit is unknown', () => {
      expect(next(open(), '2026-03-04T10:00:00+08:00', { limit: null })).to.equal(null);
    });

    it('is the overrun day of an open suspension with planned days (deadline pending)', () => {
      const workday = [...open(), suspended('2026-03-03T10:00:00+08:00', 'special', { plannedDays: 3 })];
      expect(next(workday, '2026-03-04T10:00:00+08:00')).to.equal('2026-03-09T00:00:00+08:00');
      const calendarDay = [...open(), suspended('2026-03-03T10:00:00+08:00', 'special', { plannedDays: 3, plannedUnit: 'calendarDay' })];
      expect(next(calendarDay, '2026-03-04T10:00:00+08:00')).to.equal('2026-03-07T00:00:00+08:00');
      // Once it has run over nothing new can come while the deadline is pending.
      expect(next(workday, '2026-03-09T10:00:00+08:00')).to.equal(null);
    });

    it('is null for an open suspension without planned days while the deadline is pending', () => {
      expect(next([...open(), suspended('2026-03-03T10:00:00+08:00', 'supplement')], '2026-03-04T10:00:00+08:00')).to.equal(null);
    });

    it('takes the earlier of a card day and the overrun day for a case paused after its deadline', () => {
      // Deadline 03-09; paused 03-10 for 1 planned working day: runs over on 03-12; red card 03-13.
      const events = [...open(), suspended('2026-03-10T10:00:00+08:00', 'special', { plannedDays: 1 })];
      expect(next(events, '2026-03-10T12:00:00+08:00')).to.equal('2026-03-12T00:00:00+08:00');
      expect(next(events, '2026-03-12T12:00:00+08:00')).to.equal('2026-03-13T00:00:00+08:00');
    });

    it('ignores closed suspensions: they cannot run over later', () => {
      const events = [...open(), suspended('2026-03-03T10:00:00+08:00', 'special', { plannedDays: 3 }), resumed('2026-03-04T10:00:00+08:00')];
      // 1 working day paused (03-04): deadline 03-10.
      expect(next(events, '2026-03-05T10:00:00+08:00')).to.equal('2026-03-10T00:00:00+08:00');
    });

    it('predicts the change exactly: same findings just before nextDueAt, new ones at it', () => {
      const cases = [
        { events: open(), options: {} },
        { events: open(), options: { limit: limit(0) } },
        { events: open(), options: { limit: limit(3, 'calendarDay'), policy: policyWith({ yellowAtRemainingDays: 1 }) } },
        { events: [...open(), suspended('2026-03-03T10:00:00+08:00', 'special', { plannedDays: 2 })], options: {} },
        { events: [...open(), suspended('2026-03-10T10:00:00+08:00', 'special', { plannedDays: 1 })], options: {} },
      ];
      for (const [n, { events, options }] of cases.entries()) {
        // From the last event on: the prediction is for no new events.
        let at = events.map((e) => e.occurredAt).sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1)!;
        let steps = 0;
        for (;;) {
          const outcome = run(events, at, options);
          if (outcome.nextDueAt === null) break;
          const due = Date.parse(outcome.nextDueAt);
          expect(due, `case ${n} at ${at}`).to.be.greaterThan(Date.parse(at));
          const justBefore = run(events, new Date(due - 1000).toISOString(), options);
          expect(codes(justBefore), `case ${n} before ${outcome.nextDueAt}`).to.deep.equal(codes(outcome));
          const atDue = run(events, outcome.nextDueAt, options);
          expect(codes(atDue), `case ${n} at ${outcome.nextDueAt}`).to.not.deep.equal(codes(outcome));
          at = outcome.nextDueAt;
          steps++;
        }
        expect(steps, `case ${n}`).to.be.greaterThan(0);
      }
    });
  });
});

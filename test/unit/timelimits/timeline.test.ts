import { expect } from 'chai';
import type { CaseEvent, LimitUnit } from '../../../node/cases/case-event.ts';
import { foldCaseEvents, type CaseFacts } from '../../../node/timelimits/case-facts.ts';
import { DEFAULT_TIME_POLICY, type TimePolicy } from '../../../node/timelimits/policy.ts';
import {
  cardsDueOn,
  computeTimeline,
  countCountingDays,
  lightOn,
  nthCountingDay,
} from '../../../node/timelimits/timeline.ts';
import { accepted, CALENDAR, concluded, d, iso, resumed, suspended } from './fixtures.ts';

interface IsoTimeline {
  deadline: string | null;
  yellowFrom: string | null;
  yellowCardOn: string | null;
  redCardOn: string | null;
}

/** computeTimeline over folded events, with dates written out. */
function timelineOf(
  events: readonly CaseEvent[],
  limitDays: number,
  unit: LimitUnit = 'workday',
  policy: TimePolicy = DEFAULT_TIME_POLICY,
  at?: string,
): IsoTimeline {
  const facts = foldCaseEvents(events, at === undefined ? undefined : new Date(at));
  const t = computeTimeline(facts, limitDays, unit, CALENDAR, policy);
  return { deadline: iso(t.deadline), yellowFrom: iso(t.yellowFrom), yellowCardOn: iso(t.yellowCardOn), redCardOn: iso(t.redCardOn) };
}

const policy = (yellowAtRemainingDays: number, yellowCardOverdueDays = 1, redCardOverdueDays = 4): TimePolicy => ({
  ...DEFAULT_TIME_POLICY,
  yellowAtRemainingDays,
  yellowCardOverdueDays,
  redCardOverdueDays,
});

describe('timelimits/computeTimeline', () => {
  describe('counting starts the day after acceptance, on working days', () => {
    it('runs over the 2025 Spring Festival from the Friday before', () => {
      // A = 2025-01-24 (Fri). Counting: 01-26 (Sun, adjusted working) 1, 01-27 2, [01-28..02-04 holiday],
      // 02-05 3, 02-06 4, 02-07 5. Overdue working days: 02-08 (Sat, adjusted working) 1, 02-10 2, 02-11 3, 02-12 4.
      expect(timelineOf([accepted('2025-01-24T10:00:00+08:00')], 5)).to.deep.equal({
        deadline: '2025-02-07',
        yellowFrom: '2025-02-07',
        yellowCardOn: '2025-02-08',
        redCardOn: '2025-02-12',
      });
    });

    it('runs over the 2025 National Day from the Friday before', () => {
      // A = 2025-09-26 (Fri): 09-28 (Sun, working) 1, 09-29 2, 09-30 3, [10-01..10-08], 10-09 4, 10-10 5.
      // Overdue: 10-11 (Sat, working) 1, 10-13 2, 10-14 3, 10-15 4.
      expect(timelineOf([accepted('2025-09-26T16:30:00+08:00')], 5)).to.deep.equal({
        deadline: '2025-10-10',
        yellowFrom: '2025-10-10',
        yellowCardOn: '2025-10-11',
        redCardOn: '2025-10-15',
      });
      // Accepted the day before the holiday: the first counting day is 10-09.
      expect(timelineOf([accepted('2025-09-30T11:00:00+08:00')], 1).deadline).to.equal('2025-10-09');
    });

    it('uses the adjusted working Saturday 2026-02-14 before the 2026 Spring Festival', () => {
      // A = 2026-02-13 (Fri): 02-14 (Sat, working) is counting day 1; 02-15..02-23 off; 02-24 is day 2.
      // Overdue from 02-14: 02-24 1, 02-25 2, 02-26 3, 02-27 4.
      expect(timelineOf([accepted('2026-02-13T17:00:00+08:00')], 1)).to.deep.equal({
        deadline: '2026-02-14',
        yellowFrom: '2026-02-14',
        yellowCardOn: '2026-02-24',
        redCardOn: '2026-02-27',
      });
      expect(timelineOf([accepted('2026-02-13T17:00:00+08:00')], 2).deadline).to.equal('2026-02-24');
    });

    it('converts the acceptance instant to Shanghai before counting', () => {
      // 20:00Z on 02-13 is 04:00 on Saturday 02-14 in Shanghai: A = 02-14, so the first counting day is 02-24.
      expect(timelineOf([accepted('2026-02-13T20:00:00Z')], 1).deadline).to.equal('2026-02-24');
      // 23:30 at -05:00 on 2025-12-31 is 12:30 on 2026-01-01 (a holiday): 01-02 and 01-03 are off,
      // Sunday 01-04 is an adjusted working day.
      expect(timelineOf([accepted('2025-12-31T23:30:00-05:00')], 1).deadline).to.equal('2026-01-04');
    });

    it('falls back to Monday-Friday in a year with no calendar', () => {
      // A = 2026-12-28 (Mon): 12-29 1, 12-30 2, 12-31 3, 2027-01-01 (Fri; no 2027 file, so working) 4, 01-04 5.
      const events = [accepted('2026-12-28T09:00:00+08:00')];
      const timeline = timelineOf(events, 5);
      expect(timeline).to.deep.equal({
        deadline: '2027-01-04',
        yellowFrom: '2027-01-04',
        yellowCardOn: '2027-01-05',
        redCardOn: '2027-01-08',
      });
      expect(CALENDAR.fallbackYears(d('2026-12-28'), d('2027-01-04'))).to.deep.equal([2027]);
    });
  });

  describe('calendar-day items', () => {
    it('counts every date, holidays too, and moves a deadline in a holiday run to the next working day', () => {
      // A = 2025-09-30: 10-01 1, 10-02 2, 10-03 3 (holidays count), but 10-03 is inside 国庆
      // (10-01..10-08), so the deadline is the first working day after it, Thursday 10-09
      // (民法典第二百零三条). The light turns yellow on 10-09, not on the holiday: remaining days
      // count the holidays up to the moved deadline. Overdue working days after 10-09: 10-10 1,
      // 10-11 (Sat, working) 2, 10-13 3, 10-14 4.
      expect(timelineOf([accepted('2025-09-30T10:00:00+08:00')], 3, 'calendarDay')).to.deep.equal({
        deadline: '2025-10-09',
        yellowFrom: '2025-10-09',
        yellowCardOn: '2025-10-10',
        redCardOn: '2025-10-14',
      });
    });

    it('moves a deadline on a Saturday to the Monday: 2026-11-25 + 10 calendar days', () => {
      // A = Wed 2026-11-25: the 10th date after it is Sat 12-05, so the deadline is Mon 12-07.
      // Overdue working days after 12-07: 12-08 1, 12-09 2, 12-10 3, 12-11 4.
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00')], 10, 'calendarDay')).to.deep.equal({
        deadline: '2026-12-07',
        yellowFrom: '2026-12-07',
        yellowCardOn: '2026-12-08',
        redCardOn: '2026-12-11',
      });
      // yellowAtRemainingDays counts remaining dates: 1 left (12-07) on Sunday 12-06, 3 on Friday 12-04.
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00')], 10, 'calendarDay', policy(1)).yellowFrom).to.equal('2026-12-06');
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00')], 10, 'calendarDay', policy(3)).yellowFrom).to.equal('2026-12-04');
    });

    it('keeps a deadline that falls on a working day, an adjusted working weekend day included', () => {
      // A = Wed 2026-11-25, 9 calendar days: Fri 12-04, a working day.
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00')], 9, 'calendarDay')).to.deep.equal({
        deadline: '2026-12-04',
        yellowFrom: '2026-12-04',
        yellowCardOn: '2026-12-07',
        redCardOn: '2026-12-10',
      });
      // A = 2026-10-03 (a holiday), 7 calendar days: Sat 10-10, an adjusted working day (调休上班).
      expect(timelineOf([accepted('2026-10-03T10:00:00+08:00')], 7, 'calendarDay').deadline).to.equal('2026-10-10');
    });

    it('leaves working-day items and immediate items alone', () => {
      // 8 working days from Wed 2026-11-25 end on Mon 12-07 (12-05 and 12-06 do not count).
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00')], 8).deadline).to.equal('2026-12-07');
      // An immediate calendar-day item accepted on a Saturday is due that Saturday: no period ends.
      expect(timelineOf([accepted('2026-12-05T10:00:00+08:00')], 0, 'calendarDay')).to.deep.equal({
        deadline: '2026-12-05',
        yellowFrom: '2026-12-05',
        yellowCardOn: '2026-12-07',
        redCardOn: '2026-12-10',
      });
    });

    it('removes paused dates from calendar-day counting, then moves the deadline off the weekend', () => {
      // A = 2025-03-03, 10 calendar days would end 03-13; the pause 03-05..03-07 removes 03-06 and 03-07,
      // so the 10th counting day is 03-15 (a Saturday) and the deadline Monday 03-17. Overdue working
      // days after it: 03-18 1, 03-19 2, 03-20 3, 03-21 4.
      const events = [accepted('2025-03-03T09:00:00+08:00'), suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-07T15:00:00+08:00')];
      expect(timelineOf(events, 10, 'calendarDay')).to.deep.equal({
        deadline: '2025-03-17',
        yellowFrom: '2025-03-17',
        yellowCardOn: '2025-03-18',
        redCardOn: '2025-03-21',
      });
    });

    it('moves the deadline only once the pauses are known: pending while one is open', () => {
      // Paused on Fri 12-04 and still open: 12-05 no longer counts, the deadline is pending.
      const open = [accepted('2026-11-25T10:00:00+08:00'), suspended('2026-12-04T10:00:00+08:00')];
      expect(timelineOf(open, 10, 'calendarDay').deadline).to.equal(null);
      // Resumed on Mon 12-07: 12-05..12-07 removed, so 11-26..12-04 are days 1-9 and Tue 12-08,
      // a working day, is the 10th and the deadline.
      expect(timelineOf([...open, resumed('2026-12-07T09:00:00+08:00')], 10, 'calendarDay').deadline).to.equal('2026-12-08');
      // Resumed on Fri 12-11 instead: the 10th counting day is Sat 12-12, so the deadline is Mon 12-14.
      expect(timelineOf([...open, resumed('2026-12-11T09:00:00+08:00')], 10, 'calendarDay').deadline).to.equal('2026-12-14');
      // Paused on the Saturday itself: 12-05 still counts (a pause removes S < D <= E), so the
      // deadline is known, and moved to Monday as for any case.
      expect(timelineOf([accepted('2026-11-25T10:00:00+08:00'), suspended('2026-12-05T10:00:00+08:00')], 10, 'calendarDay').deadline).to.equal('2026-12-07');
    });
  });

  describe('immediate items (limit 0)', () => {
    it('are due on the acceptance date, with cards from the next working days', () => {
      // Deadline = A = 09-30; overdue: 10-09 1, 10-10 2, 10-11 3, 10-13 4.
      expect(timelineOf([accepted('2025-09-30T15:00:00+08:00')], 0)).to.deep.equal({
        deadline: '2025-09-30',
        yellowFrom: '2025-09-30',
        yellowCardOn: '2025-10-09',
        redCardOn: '2025-10-13',
      });
      // Accepted on Friday 2026-02-13: the next working day is the adjusted Saturday.
      expect(timelineOf([accepted('2026-02-13T09:00:00+08:00')], 0).yellowCardOn).to.equal('2026-02-14');
    });

    it('are due on A even when accepted on a holiday and paused at once', () => {
      const events = [accepted('2025-10-03T10:00:00+08:00'), suspended('2025-10-03T11:00:00+08:00')];
      expect(timelineOf(events, 0).deadline).to.equal('2025-10-03');
    });
  });

  describe('pauses', () => {
    const A = '2025-03-03T09:00:00+08:00'; // Monday; 5 working days end Monday 03-10 without pauses

    it('without a pause', () => {
      expect(timelineOf([accepted(A)], 5).deadline).to.equal('2025-03-10');
    });

    it('a closed suspension S..E removes the counting days S < D <= E', () => {
      // S = 03-05, E = 03-07 removes 03-06 and 03-07: 03-04 1, 03-05 2, 03-10 3, 03-11 4, 03-12 5.
      // Overdue: 03-13 1, 03-14 2, 03-17 3, 03-18 4.
      const events = [accepted(A), suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-07T15:00:00+08:00')];
      expect(timelineOf(events, 5)).to.deep.equal({
        deadline: '2025-03-12',
        yellowFrom: '2025-03-12',
        yellowCardOn: '2025-03-13',
        redCardOn: '2025-03-18',
      });
    });

    it('two closed suspensions', () => {
      // 03-04..03-05 removes 03-05; 03-07..03-10 removes 03-10: 03-04 1, 03-06 2, 03-07 3, 03-11 4, 03-12 5.
      const events = [
        accepted(A),
        suspended('2025-03-04T10:00:00+08:00'),
        resumed('2025-03-05T10:00:00+08:00'),
        suspended('2025-03-07T10:00:00+08:00'),
        resumed('2025-03-10T10:00:00+08:00'),
      ];
      expect(timelineOf(events, 5).deadline).to.equal('2025-03-12');
    });

    it('a suspension resumed the same day removes nothing', () => {
      const events = [accepted(A), suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-05T16:00:00+08:00')];
      expect(timelineOf(events, 5).deadline).to.equal('2025-03-10');
    });

    it('a suspension over non-working days only removes nothing', () => {
      // Paused Friday 03-07 to Sunday 03-09: only the weekend is removed, which did not count anyway.
      const events = [accepted(A), suspended('2025-03-07T18:00:00+08:00'), resumed('2025-03-09T10:00:00+08:00')];
      expect(timelineOf(events, 5).deadline).to.equal('2025-03-10');
    });

    it('an open suspension leaves the deadline pending', () => {
      // Only 03-04 and 03-05 count before the pause; 3 more are needed.
      const events = [accepted(A), suspended('2025-03-05T10:00:00+08:00')];
      expect(timelineOf(events, 5)).to.deep.equal({ deadline: null, yellowFrom: null, yellowCardOn: null, redCardOn: null });
    });

    it('an open suspension starting on or after the deadline keeps it', () => {
      // On the deadline day itself: S = 03-10 removes only D > 03-10.
      expect(timelineOf([accepted(A), suspended('2025-03-10T10:00:00+08:00')], 5).deadline).to.equal('2025-03-10');
      expect(timelineOf([accepted(A), suspended('2025-03-11T10:00:00+08:00')], 5)).to.deep.equal({
        deadline: '2025-03-10',
        yellowFrom: '2025-03-10',
        yellowCardOn: '2025-03-11',
        redCardOn: '2025-03-14',
      });
    });

    it('a conclusion closes an open suspension on its date', () => {
      // (03-05, 03-14] removed: 03-04 1, 03-05 2, 03-17 3, 03-18 4, 03-19 5.
      const events = [accepted(A), suspended('2025-03-05T10:00:00+08:00'), concluded('2025-03-14T11:00:00+08:00')];
      expect(timelineOf(events, 5).deadline).to.equal('2025-03-19');
    });

    it('depends on the instant the facts were folded at', () => {
      const events = [accepted(A), suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-07T15:00:00+08:00')];
      expect(timelineOf(events, 5, 'workday', DEFAULT_TIME_POLICY, '2025-03-06T12:00:00+08:00').deadline).to.equal(null);
      expect(timelineOf(events, 5, 'workday', DEFAULT_TIME_POLICY, '2025-03-07T15:00:00+08:00').deadline).to.equal('2025-03-12');
    });
  });

  describe('policy', () => {
    it('yellowAtRemainingDays 2 turns yellow on the (N-2)-th counting day', () => {
      // 2025-01-24 + 5: counting days 01-26, 01-27, 02-05, 02-06, 02-07; remaining after 02-05 is 2.
      expect(timelineOf([accepted('2025-01-24T10:00:00+08:00')], 5, 'workday', policy(2)).yellowFrom).to.equal('2025-02-05');
      // With a pause: counting 03-04, 03-05, 03-10, 03-11, 03-12; the 3rd is 03-10.
      const paused = [accepted('2025-03-03T09:00:00+08:00'), suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-07T15:00:00+08:00')];
      expect(timelineOf(paused, 5, 'workday', policy(2)).yellowFrom).to.equal('2025-03-10');
    });

    it('is yellow from acceptance when the limit is within yellowAtRemainingDays', () => {
      expect(timelineOf([accepted('2025-01-24T10:00:00+08:00')], 2, 'workday', policy(2)).yellowFrom).to.equal('2025-01-24');
      expect(timelineOf([accepted('2025-01-24T10:00:00+08:00')], 1, 'workday', policy(3)).yellowFrom).to.equal('2025-01-24');
    });

    it('redCardOverdueDays 2 gives the red card on the second overdue working day', () => {
      // Deadline 02-07; overdue 02-08 1, 02-10 2.
      const t = timelineOf([accepted('2025-01-24T10:00:00+08:00')], 5, 'workday', policy(0, 1, 2));
      expect(t.yellowCardOn).to.equal('2025-02-08');
      expect(t.redCardOn).to.equal('2025-02-10');
    });
  });

  it('is all null for a case that was never accepted, and rejects a bad limit', () => {
    const pending = foldCaseEvents([]);
    expect(computeTimeline(pending, 5, 'workday', CALENDAR, DEFAULT_TIME_POLICY)).to.deep.equal({
      deadline: null,
      yellowFrom: null,
      yellowCardOn: null,
      redCardOn: null,
    });
    const facts = foldCaseEvents([accepted('2025-01-24T10:00:00+08:00')]);
    expect(() => computeTimeline(facts, -1, 'workday', CALENDAR, DEFAULT_TIME_POLICY)).to.throw(RangeError);
    expect(() => computeTimeline(facts, 2.5, 'workday', CALENDAR, DEFAULT_TIME_POLICY)).to.throw(RangeError);
  });

  describe('lightOn / cardsDueOn', () => {
    const facts = foldCaseEvents([accepted('2025-01-24T10:00:00+08:00')]);
    const timeline = computeTimeline(facts, 5, 'workday', CALENDAR, DEFAULT_TIME_POLICY);

    it('gives the light at a date from the cached dates', () => {
      expect(lightOn(timeline, d('2025-02-06'))).to.equal('green');
      expect(lightOn(timeline, d('2025-02-07'))).to.equal('yellow');
      expect(lightOn(timeline, d('2025-02-08'))).to.equal('red');
      expect(lightOn({ deadline: null, yellowFrom: null, yellowCardOn: null, redCardOn: null }, d('2025-02-08'))).to.equal('paused');
    });

    it('gives the cards due at a date with the day each threshold was reached', () => {
      expect(cardsDueOn(timeline, d('2025-02-07'))).to.deep.equal([]);
      expect(cardsDueOn(timeline, d('2025-02-09'))).to.deep.equal([{ color: 'yellow', day: d('2025-02-08') }]);
      expect(cardsDueOn(timeline, d('2025-03-01'))).to.deep.equal([
        { color: 'yellow', day: d('2025-02-08') },
        { color: 'red', day: d('2025-02-12') },
      ]);
    });
  });

  describe('countCountingDays / nthCountingDay', () => {
    const facts = foldCaseEvents([
      accepted('2025-03-03T09:00:00+08:00'),
      suspended('2025-03-05T10:00:00+08:00'),
      resumed('2025-03-07T15:00:00+08:00'),
    ]);
    const A = facts.acceptedDay ?? Number.NaN;

    it('count only counting days after acceptance and outside pauses', () => {
      // (03-01, 03-12]: 03-04, 03-05, 03-10, 03-11, 03-12 (03-03 is A itself; 03-06/07 paused).
      expect(countCountingDays(A, facts.suspensions, 'workday', CALENDAR, d('2025-03-01'), d('2025-03-12'))).to.equal(5);
      expect(countCountingDays(A, facts.suspensions, 'workday', CALENDAR, d('2025-03-06'), d('2025-03-12'))).to.equal(3);
      expect(countCountingDays(A, facts.suspensions, 'calendarDay', CALENDAR, d('2025-03-03'), d('2025-03-12'))).to.equal(7);
      expect(countCountingDays(A, facts.suspensions, 'workday', CALENDAR, d('2025-03-12'), d('2025-03-10'))).to.equal(0);
    });

    it('find the k-th counting day', () => {
      expect(iso(nthCountingDay(A, facts.suspensions, 'workday', CALENDAR, 0))).to.equal('2025-03-03');
      expect(iso(nthCountingDay(A, facts.suspensions, 'workday', CALENDAR, 2))).to.equal('2025-03-05');
      expect(iso(nthCountingDay(A, facts.suspensions, 'workday', CALENDAR, 3))).to.equal('2025-03-10');
    });
  });
});

/** An independent, day-by-day reading of the time rules (README, 时限规则), to check computeTimeline on random cases. */
describe('timelimits/computeTimeline against a day-by-day reference', () => {
  function reference(facts: CaseFacts, n: number, unit: LimitUnit, p: TimePolicy) {
    const A = facts.acceptedDay!;
    const counting = (D: number): boolean =>
      D > A &&
      (unit === 'calendarDay' || CALENDAR.isWorkingDay(D)) &&
      !facts.suspensions.some((s) => D > s.startDay && (s.endDay === null || D <= s.endDay));
    let deadline: number | null = null;
    if (n === 0) deadline = A;
    else {
      for (let D = A + 1, k = 0; D < A + 3000; D++) {
        if (counting(D) && ++k === n) {
          deadline = D;
          break;
        }
      }
    }
    if (deadline === null) return { deadline: null, yellowFrom: null, yellowCardOn: null, redCardOn: null };
    // 民法典第二百零三条: a calendar-day period that ends on a rest day ends on the next working day.
    if (n > 0 && unit === 'calendarDay') while (!CALENDAR.isWorkingDay(deadline)) deadline++;
    const remaining = (t: number): number => {
      let r = 0;
      for (let D = t + 1; D <= deadline; D++) if (counting(D)) r++;
      return r;
    };
    const overdue = (t: number): number => {
      let o = 0;
      for (let D = deadline + 1; D <= t; D++) if (CALENDAR.isWorkingDay(D)) o++;
      return o;
    };
    let yellowFrom = A;
    while (remaining(yellowFrom) > p.yellowAtRemainingDays) yellowFrom++;
    let yellowCardOn = deadline;
    while (overdue(yellowCardOn) < p.yellowCardOverdueDays) yellowCardOn++;
    let redCardOn = deadline;
    while (overdue(redCardOn) < p.redCardOverdueDays) redCardOn++;
    return { deadline, yellowFrom, yellowCardOn, redCardOn };
  }

  it('agrees on 1500 random cases around the 2025 and 2026 holidays', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
    const stamp = (day: number, minute: number): string => {
      const text = iso(day)!;
      return `${text}T${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+08:00`;
    };
    for (let i = 0; i < 1500; i++) {
      const A = pick(d('2024-12-01'), d('2026-12-31'));
      const events: CaseEvent[] = [accepted(stamp(A, 0))];
      let day = A;
      let minute = 1;
      const pauses = pick(0, 3);
      for (let p = 0; p < pauses; p++) {
        day += pick(0, 8);
        events.push(suspended(stamp(day, minute++)));
        if (random() < 0.8 || p < pauses - 1) {
          day += pick(0, 12);
          events.push(resumed(stamp(day, minute++)));
        }
      }
      if (random() < 0.3) events.push(concluded(stamp(day + pick(0, 10), minute++)));
      const facts = foldCaseEvents(events);
      const n = pick(0, 30);
      const unit: LimitUnit = random() < 0.25 ? 'calendarDay' : 'workday';
      const p = random() < 0.5 ? DEFAULT_TIME_POLICY : policy(pick(0, 5), pick(1, 3), pick(4, 8));
      const got = computeTimeline(facts, n, unit, CALENDAR, p);
      const want = reference(facts, n, unit, p);
      expect(got, `case ${i}: ${JSON.stringify({ events: events.map((e) => [e.type, e.occurredAt]), n, unit, p })}`).to.deep.equal(want);
    }
  });
});

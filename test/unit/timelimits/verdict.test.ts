import { expect } from 'chai';
import type { CaseEvent } from '../../../node/cases/case-event.ts';
import { dayFromIso } from '../../../node/calendar/local-date.ts';
import { foldCaseEvents } from '../../../node/timelimits/case-facts.ts';
import { DEFAULT_TIME_POLICY, validateTimePolicy, type TimePolicy } from '../../../node/timelimits/policy.ts';
import { computeTimeline } from '../../../node/timelimits/timeline.ts';
import { evaluateCase, resolveLimit, verdictFromTimeline, type Verdict } from '../../../node/timelimits/verdict.ts';
import {
  accepted,
  CALENDAR,
  CASE_NO,
  concluded,
  fee,
  item,
  notAccepted,
  prng,
  resumed,
  stage,
  suspended,
  verdictAt,
} from './fixtures.ts';

/** The time-related part of a verdict, to compare exactly. */
function clock(v: Verdict) {
  return {
    status: v.status,
    deadline: v.deadline,
    remainingDays: v.remainingDays,
    overdueDays: v.overdueDays,
    light: v.light,
    cards: v.cards,
    onTime: v.onTime,
    early: v.early,
  };
}

const yellowCard = (date: string) => ({ color: 'yellow', issuedAt: `${date}T00:00:00+08:00` });
const redCard = (date: string) => ({ color: 'red', issuedAt: `${date}T00:00:00+08:00` });
const policy = (yellowAtRemainingDays: number, yellowCardOverdueDays = 1, redCardOverdueDays = 4): TimePolicy => ({
  ...DEFAULT_TIME_POLICY,
  yellowAtRemainingDays,
  yellowCardOverdueDays,
  redCardOverdueDays,
});

describe('timelimits/evaluateCase', () => {
  describe('Spring Festival 2025: accepted Friday 01-24, 5 working days', () => {
    // Counting days: 01-26 (adjusted working Sunday), 01-27, [01-28..02-04 off], 02-05, 02-06, 02-07 = deadline.
    // Overdue working days: 02-08 (adjusted working Saturday) 1, 02-10 2, 02-11 3, 02-12 4.
    const events = [accepted('2025-01-24T10:00:00+08:00'), stage('2025-01-26T09:00:00+08:00', 'undertake')];
    const at = (instant: string, p?: TimePolicy) => verdictAt(events, item(5), instant, p);

    it('gives the whole wire shape', () => {
      expect(at('2025-01-24T18:00:00+08:00')).to.deep.equal({
        caseNo: CASE_NO,
        itemCode: 'ITEM-1',
        departmentCode: 'DEPT-1',
        status: 'open',
        stage: null, // the stage event of 01-26 has not happened yet
        acceptedAt: '2025-01-24T10:00:00+08:00',
        limitDays: 5,
        limitUnit: 'workday',
        deadline: '2025-02-07',
        remainingDays: 5,
        overdueDays: 0,
        light: 'green',
        cards: [],
        concludedAt: null,
        result: null,
        onTime: null,
        early: null,
      });
    });

    it('is green during the holiday with 3 days remaining (02-05, 02-06, 02-07)', () => {
      const v = at('2025-01-30T12:00:00+08:00');
      expect(v.stage).to.equal('undertake');
      expect(clock(v)).to.deep.equal({
        status: 'open', deadline: '2025-02-07', remainingDays: 3, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
    });

    it('is green with 1 day remaining, yellow on the deadline (policy default 0)', () => {
      expect(at('2025-02-06T09:00:00+08:00').light).to.equal('green');
      expect(at('2025-02-06T09:00:00+08:00').remainingDays).to.equal(1);
      const v = at('2025-02-07T09:00:00+08:00');
      expect([v.light, v.remainingDays, v.overdueDays]).to.deep.equal(['yellow', 0, 0]);
    });

    it('is yellow from 02-05 with yellowAtRemainingDays 2', () => {
      // Remaining on 02-04 (holiday): 02-05, 02-06, 02-07 = 3 > 2. On 02-05: 2.
      expect(at('2025-02-04T09:00:00+08:00', policy(2)).light).to.equal('green');
      expect(at('2025-02-05T09:00:00+08:00', policy(2)).light).to.equal('yellow');
      expect(at('2025-02-05T09:00:00+08:00', policy(2)).remainingDays).to.equal(2);
    });

    it('turns red with a yellow card on the adjusted working Saturday 02-08', () => {
      expect(clock(at('2025-02-08T00:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-02-07', remainingDays: 0, overdueDays: 1, light: 'red',
        cards: [yellowCard('2025-02-08')], onTime: null, early: null,
      });
      // 02-07 23:59 in Shanghai is still the deadline day.
      expect(at('2025-02-07T15:59:59Z').light).to.equal('yellow');
    });

    it('stays at one overdue day over Sunday 02-09, reaches 3 on 02-11', () => {
      expect(at('2025-02-09T12:00:00+08:00').overdueDays).to.equal(1);
      const v = at('2025-02-11T12:00:00+08:00');
      expect([v.overdueDays, v.cards]).to.deep.equal([3, [yellowCard('2025-02-08')]]);
    });

    it('earns the red card on the 4th overdue working day, 02-12', () => {
      expect(at('2025-02-12T08:00:00+08:00').cards).to.deep.equal([yellowCard('2025-02-08'), redCard('2025-02-12')]);
      expect(at('2025-02-12T08:00:00+08:00').overdueDays).to.equal(4);
    });

    it('earns the red card on 02-10 with redCardOverdueDays 2', () => {
      expect(at('2025-02-09T12:00:00+08:00', policy(0, 1, 2)).cards).to.deep.equal([yellowCard('2025-02-08')]);
      expect(at('2025-02-10T12:00:00+08:00', policy(0, 1, 2)).cards).to.deep.equal([yellowCard('2025-02-08'), redCard('2025-02-10')]);
    });
  });

  describe('National Day 2025: accepted Friday 09-26, 5 working days', () => {
    // 09-28 (Sun, working) 1, 09-29 2, 09-30 3, [10-01..10-08], 10-09 4, 10-10 5. Overdue: 10-11 (Sat, working) 1.
    const events = [accepted('2025-09-26T16:30:00+08:00')];

    it('counts down over the holiday', () => {
      expect(clock(verdictAt(events, item(5), '2025-10-05T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-10-10', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      // yellowAtRemainingDays 2: yellow from the 3rd counting day 09-30, so for the whole holiday.
      expect(verdictAt(events, item(5), '2025-09-29T10:00:00+08:00', policy(2)).light).to.equal('green');
      expect(verdictAt(events, item(5), '2025-09-30T10:00:00+08:00', policy(2)).light).to.equal('yellow');
      expect(verdictAt(events, item(5), '2025-10-05T10:00:00+08:00', policy(2)).light).to.equal('yellow');
    });

    it('keeps the yellow card of a case concluded a day late on the adjusted working Saturday', () => {
      const late = [...events, concluded('2025-10-11T10:00:00+08:00')];
      expect(clock(verdictAt(late, item(5), '2025-12-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2025-10-10', remainingDays: null, overdueDays: 1, light: null,
        cards: [yellowCard('2025-10-11')], onTime: false, early: false,
      });
    });

    it('is late but without a card when concluded on a holiday after the deadline', () => {
      // 3 working days: 09-28, 09-29, 09-30. Concluded 10-01 (holiday): late, but 0 overdue working days.
      const v = verdictAt([...events, concluded('2025-10-01T10:00:00+08:00')], item(3), '2025-10-20T10:00:00+08:00');
      expect(clock(v)).to.deep.equal({
        status: 'concluded', deadline: '2025-09-30', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: false, early: false,
      });
    });
  });

  describe('2026 Spring Festival and the adjusted working Saturday 02-14', () => {
    it('is due on the Saturday when accepted Friday 02-13 evening, Shanghai time', () => {
      const events = [accepted('2026-02-13T20:00:00+08:00')];
      expect(verdictAt(events, item(1), '2026-02-14T10:00:00+08:00').light).to.equal('yellow');
      // Red through the holiday, with no overdue working day until 02-24.
      expect(clock(verdictAt(events, item(1), '2026-02-20T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2026-02-14', remainingDays: 0, overdueDays: 0, light: 'red', cards: [], onTime: null, early: null,
      });
      expect(verdictAt(events, item(1), '2026-02-24T10:00:00+08:00').cards).to.deep.equal([yellowCard('2026-02-24')]);
      // Overdue 02-24, 25, 26, 27: red card on Friday 02-27.
      expect(verdictAt(events, item(1), '2026-02-27T10:00:00+08:00').cards).to.deep.equal([yellowCard('2026-02-24'), redCard('2026-02-27')]);
    });

    it('is due 02-24 when the same evening is written in UTC as 02-13T20:00Z (04:00 on Saturday 02-14 in Shanghai)', () => {
      const v = verdictAt([accepted('2026-02-13T20:00:00Z')], item(1), '2026-02-20T10:00:00+08:00');
      expect(v.acceptedAt).to.equal('2026-02-13T20:00:00Z');
      expect(clock(v)).to.deep.equal({
        status: 'open', deadline: '2026-02-24', remainingDays: 1, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
    });

    it('reads `at` in Shanghai too: 2026-02-23T16:00:00Z is already 02-24', () => {
      const events = [accepted('2026-02-13T17:00:00+08:00')];
      expect(verdictAt(events, item(1), '2026-02-23T15:59:59Z').cards).to.deep.equal([]);
      expect(verdictAt(events, item(1), '2026-02-23T16:00:00Z').cards).to.deep.equal([yellowCard('2026-02-24')]);
    });

    it('starts after the 2026 New Year holiday when accepted 2025-12-31T23:30:00-05:00', () => {
      // That is 2026-01-01 12:30 in Shanghai (holiday); 01-02 and 01-03 are off; Sunday 01-04 is working.
      const v = verdictAt([accepted('2025-12-31T23:30:00-05:00')], item(1), '2026-01-03T10:00:00+08:00');
      expect([v.deadline, v.remainingDays, v.light]).to.deep.equal(['2026-01-04', 1, 'green']);
    });
  });

  describe('a case spanning the year end into a year with no calendar', () => {
    it('counts 2027 Monday to Friday, and the calendar says so', () => {
      // 12-29, 12-30, 12-31, 2027-01-01 (Friday, no 2027 file), 01-04.
      const events = [accepted('2026-12-28T09:00:00+08:00')];
      const v = verdictAt(events, item(5), '2026-12-31T10:00:00+08:00');
      expect([v.deadline, v.remainingDays, v.light]).to.deep.equal(['2027-01-04', 2, 'green']);
      expect(CALENDAR.fallbackYears(dayFromIso('2026-12-28'), dayFromIso(v.deadline!))).to.deep.equal([2027]);
      expect(verdictAt(events, item(5), '2027-01-05T10:00:00+08:00').cards).to.deep.equal([yellowCard('2027-01-05')]);
    });
  });

  describe('calendar-day items', () => {
    // A = 2025-09-30, 3 calendar days: 10-01, 10-02, 10-03 (holidays count); 10-03 is inside 国庆
    // (10-01..10-08), so the deadline moves to the next working day, Thu 10-09 (民法典第二百零三条).
    // Overdue working days: 10-10, 10-11 (Sat, working), 10-13, 10-14.
    const events = [accepted('2025-09-30T10:00:00+08:00')];

    it('count every date down to the deadline, the holidays it moved over too', () => {
      const v = verdictAt(events, item(3, 'calendarDay'), '2025-10-02T10:00:00+08:00');
      expect([v.limitUnit, v.deadline, v.remainingDays, v.light]).to.deep.equal(['calendarDay', '2025-10-09', 7, 'green']);
      // Not yellow on the holiday the 3rd day fell on, nor red after it: the period ends on 10-09.
      expect(clock(verdictAt(events, item(3, 'calendarDay'), '2025-10-03T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-10-09', remainingDays: 6, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect(verdictAt(events, item(3, 'calendarDay'), '2025-10-08T10:00:00+08:00').light).to.equal('green');
      expect(verdictAt(events, item(3, 'calendarDay'), '2025-10-09T10:00:00+08:00').light).to.equal('yellow');
    });

    it('count overdue days in working days after the moved deadline', () => {
      expect(clock(verdictAt(events, item(3, 'calendarDay'), '2025-10-10T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-10-09', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2025-10-10')], onTime: null, early: null,
      });
      const v = verdictAt(events, item(3, 'calendarDay'), '2025-10-14T10:00:00+08:00');
      expect([v.overdueDays, v.cards]).to.deep.equal([4, [yellowCard('2025-10-10'), redCard('2025-10-14')]]);
    });

    describe('a deadline on a Saturday: accepted Wed 2026-11-25, 10 calendar days', () => {
      // The 10th date is Sat 12-05; the deadline is Mon 12-07.
      const late = [accepted('2026-11-25T10:00:00+08:00')];
      const at = (instant: string) => verdictAt(late, item(10, 'calendarDay'), instant);

      it('is due on Monday 12-07, yellow that day only, green over the weekend', () => {
        expect(clock(at('2026-12-04T10:00:00+08:00'))).to.deep.equal({
          status: 'open', deadline: '2026-12-07', remainingDays: 3, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
        });
        expect([at('2026-12-05T10:00:00+08:00').light, at('2026-12-06T10:00:00+08:00').light]).to.deep.equal(['green', 'green']);
        expect(clock(at('2026-12-07T10:00:00+08:00'))).to.deep.equal({
          status: 'open', deadline: '2026-12-07', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
        });
      });

      it('is overdue from Tuesday 12-08, with the cards counted from Monday', () => {
        expect(clock(at('2026-12-08T10:00:00+08:00'))).to.deep.equal({
          status: 'open', deadline: '2026-12-07', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2026-12-08')], onTime: null, early: null,
        });
        expect(at('2026-12-11T10:00:00+08:00').cards).to.deep.equal([yellowCard('2026-12-08'), redCard('2026-12-11')]);
      });

      it('is on time when concluded on the Monday', () => {
        const v = verdictAt([...late, concluded('2026-12-07T16:00:00+08:00')], item(10, 'calendarDay'), '2026-12-20T10:00:00+08:00');
        expect(clock(v)).to.deep.equal({
          status: 'concluded', deadline: '2026-12-07', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: false,
        });
      });

      it('leaves a working-day item of the same dates alone', () => {
        // 8 working days from 11-25 end on Mon 12-07 as well, counted without the weekend.
        const v = verdictAt(late, item(8), '2026-12-04T10:00:00+08:00');
        expect([v.deadline, v.remainingDays, v.light]).to.deep.equal(['2026-12-07', 1, 'green']);
      });
    });
  });

  describe('immediate items (limit 0)', () => {
    const events = [accepted('2025-09-30T15:00:00+08:00')];

    it('are yellow on the acceptance date and red the next day', () => {
      const v = verdictAt(events, item(0), '2025-09-30T18:00:00+08:00');
      expect([v.deadline, v.remainingDays, v.light, v.cards]).to.deep.equal(['2025-09-30', 0, 'yellow', []]);
      const next = verdictAt(events, item(0), '2025-10-01T08:00:00+08:00');
      expect([next.light, next.overdueDays, next.cards]).to.deep.equal(['red', 0, []]);
    });

    it('get the yellow card on the first working day after A', () => {
      const v = verdictAt(events, item(0), '2025-10-09T08:00:00+08:00');
      expect([v.overdueDays, v.cards]).to.deep.equal([1, [yellowCard('2025-10-09')]]);
    });

    it('are on time when concluded the same day, late otherwise', () => {
      const same = verdictAt([...events, concluded('2025-09-30T16:00:00+08:00')], item(0), '2025-11-01T00:00:00+08:00');
      expect(clock(same)).to.deep.equal({
        status: 'concluded', deadline: '2025-09-30', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: false,
      });
      const late = verdictAt([...events, concluded('2025-10-09T16:00:00+08:00')], item(0), '2025-11-01T00:00:00+08:00');
      expect([late.onTime, late.early, late.overdueDays, late.cards]).to.deep.equal([false, false, 1, [yellowCard('2025-10-09')]]);
    });

    it('follow an accepted event that overrides the limit to 0', () => {
      const v = verdictAt([accepted('2025-09-30T15:00:00+08:00', { promisedLimitDays: 0 })], item(5), '2025-09-30T18:00:00+08:00');
      expect([v.limitDays, v.deadline, v.light]).to.deep.equal([0, '2025-09-30', 'yellow']);
    });
  });

  describe('pauses', () => {
    const A = accepted('2025-03-03T09:00:00+08:00'); // Monday; 5 working days end 03-10 without pauses

    it('a closed pause moves the deadline: S 03-05 to E 03-07 removes 03-06 and 03-07', () => {
      // 03-04 1, 03-05 2, 03-10 3, 03-11 4, 03-12 5.
      const events = [A, suspended('2025-03-05T10:00:00+08:00', 'supplement'), resumed('2025-03-07T15:00:00+08:00')];
      expect(clock(verdictAt(events, item(5), '2025-03-10T09:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2025-03-12', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
    });

    it('an open pause leaves the deadline pending and the light paused', () => {
      const events = [A, suspended('2025-03-05T10:00:00+08:00', 'special', { kind: 'expertReview' })];
      expect(clock(verdictAt(events, item(5), '2025-03-20T09:00:00+08:00'))).to.deep.equal({
        status: 'paused', deadline: null, remainingDays: null, overdueDays: null, light: 'paused', cards: [], onTime: null, early: null,
      });
      // While paused the remaining days are not shown, even before the old deadline.
      expect(verdictAt(events, item(5), '2025-03-05T12:00:00+08:00').light).to.equal('paused');
    });

    it('an open pause starting after the deadline keeps the case red and the cards running', () => {
      const events = [A, suspended('2025-03-11T09:00:00+08:00')];
      expect(clock(verdictAt(events, item(5), '2025-03-12T09:00:00+08:00'))).to.deep.equal({
        status: 'paused', deadline: '2025-03-10', remainingDays: 0, overdueDays: 2, light: 'red',
        cards: [yellowCard('2025-03-11')], onTime: null, early: null,
      });
    });

    it('a pause starting on the deadline day leaves it yellow that day and red the next', () => {
      const events = [A, suspended('2025-03-10T10:00:00+08:00')];
      expect(verdictAt(events, item(5), '2025-03-10T18:00:00+08:00').light).to.equal('yellow');
      expect(verdictAt(events, item(5), '2025-03-11T08:00:00+08:00').light).to.equal('red');
    });

    it('a conclusion during a pause closes it: early by the moved deadline', () => {
      // (03-05, 03-14] removed: 03-04 1, 03-05 2, 03-17 3, 03-18 4, 03-19 5.
      const events = [A, suspended('2025-03-05T10:00:00+08:00'), concluded('2025-03-14T11:00:00+08:00', 'supplementTimeout')];
      const v = verdictAt(events, item(5), '2025-04-01T09:00:00+08:00');
      expect(v.result).to.equal('supplementTimeout');
      expect(clock(v)).to.deep.equal({
        status: 'concluded', deadline: '2025-03-19', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: true,
      });
    });

    it('counts remaining days net of a closed pause with yellowAtRemainingDays 2', () => {
      // Counting 03-04, 03-05, 03-10, 03-11, 03-12: on 03-07 (paused) 3 remain, on 03-10 2 remain.
      const events = [A, suspended('2025-03-05T10:00:00+08:00'), resumed('2025-03-07T15:00:00+08:00')];
      const v7 = verdictAt(events, item(5), '2025-03-07T18:00:00+08:00', policy(2));
      expect([v7.remainingDays, v7.light]).to.deep.equal([3, 'green']);
      const v10 = verdictAt(events, item(5), '2025-03-10T09:00:00+08:00', policy(2));
      expect([v10.remainingDays, v10.light]).to.deep.equal([2, 'yellow']);
    });
  });

  describe('concluded cases', () => {
    const events = [accepted('2025-01-24T10:00:00+08:00')]; // deadline 2025-02-07
    const concludedAt = (instant: string) => verdictAt([...events, concluded(instant)], item(5), '2025-06-01T10:00:00+08:00');

    it('early', () => {
      const v = concludedAt('2025-02-06T11:00:00+08:00');
      expect(v.concludedAt).to.equal('2025-02-06T11:00:00+08:00');
      expect(v.result).to.equal('approved');
      expect(clock(v)).to.deep.equal({
        status: 'concluded', deadline: '2025-02-07', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: true,
      });
    });

    it('on the deadline: on time, not early', () => {
      expect([concludedAt('2025-02-07T17:00:00+08:00').onTime, concludedAt('2025-02-07T17:00:00+08:00').early]).to.deep.equal([true, false]);
      // 15:59Z is 23:59 Shanghai, still the deadline day; 16:30Z is 00:30 on 02-08.
      expect(concludedAt('2025-02-07T15:59:00Z').onTime).to.equal(true);
      expect(concludedAt('2025-02-07T16:30:00Z').onTime).to.equal(false);
    });

    it('late, keeping the cards earned with their threshold dates', () => {
      // Overdue at 02-13: 02-08, 02-10, 02-11, 02-12, 02-13 = 5.
      expect(clock(concludedAt('2025-02-13T16:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2025-02-07', remainingDays: null, overdueDays: 5, light: null,
        cards: [yellowCard('2025-02-08'), redCard('2025-02-12')], onTime: false, early: false,
      });
    });
  });

  describe('events and the instant', () => {
    const events: CaseEvent[] = [
      accepted('2025-01-24T10:00:00+08:00'),
      stage('2025-01-26T09:00:00+08:00', 'undertake'),
      suspended('2025-01-27T10:00:00+08:00', 'special', { kind: 'siteInspection', plannedDays: 3, plannedUnit: 'workday' }),
      resumed('2025-02-05T09:00:00+08:00'),
      stage('2025-02-06T09:00:00+08:00', 'review'),
      fee('2025-02-06T10:00:00+08:00'),
      stage('2025-02-10T09:00:00+08:00', 'approve'),
      concluded('2025-02-13T16:00:00+08:00'),
    ];
    // Counting: 01-26 1, 01-27 2, paused (01-27, 02-05] (holidays and 02-05), 02-06 3, 02-07 4, 02-08 5 = deadline.
    // Overdue: 02-10 1, 02-11 2, 02-12 3, 02-13 4.

    it('gives the same verdict whatever the order of the events', () => {
      const expected = verdictAt(events, item(5), '2025-03-01T10:00:00+08:00');
      expect(clock(expected)).to.deep.equal({
        status: 'concluded', deadline: '2025-02-08', remainingDays: null, overdueDays: 4, light: null,
        cards: [yellowCard('2025-02-10'), redCard('2025-02-13')], onTime: false, early: false,
      });
      expect(expected.stage).to.equal('approve');
      const random = prng(7);
      for (let i = 0; i < 50; i++) {
        const shuffled = [...events];
        for (let j = shuffled.length - 1; j > 0; j--) {
          const k = Math.floor(random() * (j + 1));
          [shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!];
        }
        expect(verdictAt(shuffled, item(5), '2025-03-01T10:00:00+08:00')).to.deep.equal(expected);
      }
      expect(verdictAt([...events].reverse(), item(5), '2025-03-01T10:00:00+08:00')).to.deep.equal(expected);
    });

    it('does not count an event after `at`', () => {
      const v = verdictAt(events, item(5), '2025-02-11T12:00:00+08:00');
      expect(v.stage).to.equal('approve');
      expect(v.concludedAt).to.equal(null);
      expect(v.result).to.equal(null);
      expect(clock(v)).to.deep.equal({
        status: 'open', deadline: '2025-02-08', remainingDays: 0, overdueDays: 2, light: 'red',
        cards: [yellowCard('2025-02-10')], onTime: null, early: null,
      });
      // Before the resumption the case was paused and its deadline pending.
      const paused = verdictAt(events, item(5), '2025-02-05T08:59:59+08:00');
      expect([paused.status, paused.deadline, paused.light, paused.stage]).to.deep.equal(['paused', null, 'paused', 'undertake']);
    });
  });

  describe('cases without a running clock', () => {
    it('pending: no events, or only events before intake', () => {
      const none = evaluateCase({ caseNo: 'CASE-EMPTY', events: [], item: null, calendar: CALENDAR, policy: DEFAULT_TIME_POLICY, at: new Date('2025-03-01T00:00:00Z') });
      expect(none).to.deep.equal({
        caseNo: 'CASE-EMPTY', itemCode: null, departmentCode: null, status: 'pending', stage: null, acceptedAt: null,
        limitDays: null, limitUnit: null, deadline: null, remainingDays: null, overdueDays: null, light: null, cards: [],
        concludedAt: null, result: null, onTime: null, early: null,
      });
      const early = verdictAt([accepted('2025-03-03T09:00:00+08:00')], null, '2025-03-02T09:00:00+08:00');
      expect(early.status).to.equal('pending');
      expect(early.light).to.equal(null);
    });

    it('notAccepted: terminal, nothing time-related', () => {
      const v = verdictAt([notAccepted('2025-03-03T09:00:00+08:00')], item(5), '2025-04-01T09:00:00+08:00');
      expect(v).to.deep.equal({
        caseNo: CASE_NO, itemCode: 'ITEM-1', departmentCode: 'DEPT-1', status: 'notAccepted', stage: null, acceptedAt: null,
        limitDays: null, limitUnit: null, deadline: null, remainingDays: null, overdueDays: null, light: null, cards: [],
        concludedAt: null, result: null, onTime: null, early: null,
      });
    });

    it('an accepted case of an unknown item runs on its override, in working days, or not at all', () => {
      const withOverride = verdictAt([accepted('2025-01-24T10:00:00+08:00', { promisedLimitDays: 3 })], null, '2025-01-27T10:00:00+08:00');
      // 01-26 1, 01-27 2, 02-05 3.
      expect([withOverride.limitDays, withOverride.limitUnit, withOverride.deadline, withOverride.remainingDays]).to.deep.equal([3, 'workday', '2025-02-05', 1]);
      const unknown = verdictAt([accepted('2025-01-24T10:00:00+08:00')], null, '2025-01-27T10:00:00+08:00');
      expect([unknown.status, unknown.limitDays, unknown.deadline, unknown.light, unknown.cards]).to.deep.equal(['open', null, null, null, []]);
    });

    it('the accepted override wins over the item limit', () => {
      const v = verdictAt([accepted('2025-01-24T10:00:00+08:00', { promisedLimitDays: 3 })], item(5, 'calendarDay'), '2025-01-25T10:00:00+08:00');
      // 3 calendar days in the item's unit: 01-25, 01-26, 01-27.
      expect([v.limitDays, v.limitUnit, v.deadline, v.remainingDays]).to.deep.equal([3, 'calendarDay', '2025-01-27', 2]);
    });
  });

  it('rejects events of another case', () => {
    expect(() =>
      evaluateCase({ caseNo: 'CASE-OTHER', events: [accepted('2025-01-24T10:00:00+08:00')], item: item(5), calendar: CALENDAR, policy: DEFAULT_TIME_POLICY, at: new Date() }),
    ).to.throw(RangeError, 'CASE-OTHER');
  });

  it('verdictFromTimeline over a cached timeline equals evaluateCase', () => {
    const events = [accepted('2025-01-24T10:00:00+08:00'), suspended('2025-01-27T10:00:00+08:00'), resumed('2025-02-05T09:00:00+08:00')];
    const facts = foldCaseEvents(events);
    const limit = resolveLimit(facts, item(5));
    const timeline = computeTimeline(facts, 5, 'workday', CALENDAR, DEFAULT_TIME_POLICY);
    // A database round trip of the cached dates.
    const cached = JSON.parse(JSON.stringify(timeline)) as typeof timeline;
    // From the day of the last event on, the cache is what evaluateCase would fold.
    for (let day = dayFromIso('2025-02-05'); day <= dayFromIso('2025-02-20'); day++) {
      const at = new Date(day * 86_400_000 + 12 * 3_600_000); // 20:00 Shanghai
      expect(verdictFromTimeline(facts, item(5), limit, cached, CALENDAR, day)).to.deep.equal(
        evaluateCase({ caseNo: CASE_NO, events, item: item(5), calendar: CALENDAR, policy: DEFAULT_TIME_POLICY, at }),
      );
    }
  });
});

/** The light rule as written ("yellow when remaining days <= Y") against the cached-date rule, on random cases. */
describe('timelimits light: remaining days against the cached yellowFrom', () => {
  it('agrees on every date of 400 random cases', () => {
    const random = prng(2025);
    const pick = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
    for (let i = 0; i < 400; i++) {
      const A = pick(dayFromIso('2025-01-01'), dayFromIso('2026-11-30'));
      const hhmm = (day: number, h: number) => `${new Date(day * 86_400_000).toISOString().slice(0, 10)}T${String(h).padStart(2, '0')}:00:00+08:00`;
      const events: CaseEvent[] = [accepted(hhmm(A, 9))];
      if (random() < 0.5) {
        const s = A + pick(0, 6);
        events.push(suspended(hhmm(s, 10)), resumed(hhmm(s + pick(0, 9), 11)));
      }
      const p = policy(pick(0, 3), pick(1, 2), pick(3, 6));
      const limit = item(pick(0, 12), random() < 0.3 ? 'calendarDay' : 'workday');
      for (let t = A; t < A + 40; t++) {
        const v = verdictAt(events, limit, hhmm(t, 23), p);
        if (v.status === 'paused') continue;
        const expected = t > dayFromIso(v.deadline!) ? 'red' : v.remainingDays! <= p.yellowAtRemainingDays ? 'yellow' : 'green';
        expect(v.light, `case ${i} day ${hhmm(t, 23)}`).to.equal(expected);
        expect(v.cards.length, `case ${i} day ${hhmm(t, 23)}`).to.equal(
          (v.overdueDays! >= p.yellowCardOverdueDays ? 1 : 0) + (v.overdueDays! >= p.redCardOverdueDays ? 1 : 0),
        );
      }
    }
  });
});

describe('timelimits/policy', () => {
  it('defaults to yellow on the last day, cards at 1 and 4 overdue working days', () => {
    expect(DEFAULT_TIME_POLICY).to.deep.equal({
      yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 4,
      reportByTime: '17:00', nonWorkingDayReportByTime: '17:00', noticeDueWorkingDays: 5, appealWorkingDays: 10,
    });
    expect(Object.isFrozen(DEFAULT_TIME_POLICY)).to.equal(true);
  });

  it('validates a policy from outside', () => {
    expect(validateTimePolicy({ yellowAtRemainingDays: 2, yellowCardOverdueDays: 1, redCardOverdueDays: 2 })).to.deep.equal(policy(2, 1, 2));
    expect(() => validateTimePolicy({ yellowAtRemainingDays: -1, yellowCardOverdueDays: 1, redCardOverdueDays: 4 })).to.throw(RangeError, 'yellowAtRemainingDays');
    expect(() => validateTimePolicy({ yellowAtRemainingDays: 0, yellowCardOverdueDays: 0, redCardOverdueDays: 4 })).to.throw(RangeError, 'yellowCardOverdueDays');
    expect(() => validateTimePolicy({ yellowAtRemainingDays: 0, yellowCardOverdueDays: 2, redCardOverdueDays: 2 })).to.throw(RangeError, 'redCardOverdueDays');
    expect(() => validateTimePolicy({ yellowAtRemainingDays: 0.5, yellowCardOverdueDays: 1, redCardOverdueDays: 4 })).to.throw(RangeError);
    expect(() => validateTimePolicy(null)).to.throw(RangeError);
  });
});

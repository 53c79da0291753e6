import { expect } from 'chai';
import { accepted, codes, concluded, findingOf, limit, policyWith, resumed, run, suspended } from './fixtures.ts';

// Accepted Monday 2026-03-02, 5 working days: counting days 03-03, 03-04, 03-05, 03-06, 03-09 =
// deadline (and yellowFrom under the default policy). Red light from 03-10; overdue working days:
// 03-10 1 (yellow card), 03-11 2, 03-12 3, 03-13 4 (red card).
const ACCEPTED = '2026-03-02T10:00:00+08:00';
const open = () => [accepted(ACCEPTED, { eventId: 'acc' })];

describe('supervision/rules time findings', () => {
  describe('TIME_YELLOW_LIGHT', () => {
    it('is not found the day before yellowFrom', () => {
      const outcome = run(open(), '2026-03-08T23:59:59+08:00');
      expect(findingOf(outcome, 'TIME_YELLOW_LIGHT')).to.equal(undefined);
    });

    it('is found from 00:00 of yellowFrom', () => {
      const outcome = run(open(), '2026-03-09T00:00:00+08:00');
      expect(findingOf(outcome, 'TIME_YELLOW_LIGHT')).to.deep.equal({
        rule: 'TIME_YELLOW_LIGHT',
        ruleVersion: 1,
        foundAt: '2026-03-09T00:00:00+08:00',
        message: '办件 CASE-0001 临近办结期限 2026-03-09, 亮黄灯',
        details: { yellowFrom: '2026-03-09', deadline: '2026-03-09' },
      });
    });

    it('stays found once the case is red', () => {
      const f = findingOf(run(open(), '2026-03-20T12:00:00+08:00'), 'TIME_YELLOW_LIGHT');
      expect(f?.foundAt).to.equal('2026-03-09T00:00:00+08:00');
    });

    it('follows policy.yellowAtRemainingDays (2: yellow from the 3rd counting day)', () => {
      const policy = policyWith({ yellowAtRemainingDays: 2 });
      expect(findingOf(run(open(), '2026-03-04T23:00:00+08:00', { policy }), 'TIME_YELLOW_LIGHT')).to.equal(undefined);
      const f = findingOf(run(open(), '2026-03-05T08:00:00+08:00', { policy }), 'TIME_YELLOW_LIGHT');
      expect(f?.details).to.deep.equal({ yellowFrom: '2026-03-05', deadline: '2026-03-09' });
    });

    it('is not found for a case concluded the day before yellowFrom, found for one concluded on it', () => {
      const before = run([...open(), concluded('2026-03-06T16:00:00+08:00')], '2026-03-30T12:00:00+08:00');
      expect(codes(before)).to.deep.equal([]);
      const on = run([...open(), concluded('2026-03-09T16:00:00+08:00')], '2026-03-30T12:00:00+08:00');
      expect(codes(on)).to.deep.equal(['TIME_YELLOW_LIGHT']);
    });

    it('is not found for an immediate item (yellowFrom = acceptance day), which goes red the next day', () => {
      const same = run(open(), '2026-03-02T23:00:00+08:00', { limit: limit(0) });
      expect(codes(same)).to.deep.equal([]);
      const next = run(open(), '2026-03-03T00:00:00+08:00', { limit: limit(0) });
      expect(codes(next)).to.deep.equal(['TIME_RED_LIGHT', 'YELLOW_CARD']);
      expect(findingOf(next, 'TIME_RED_LIGHT')?.details).to.deep.equal({ deadline: '2026-03-02' });
    });

    it('is not found for a 1-day item either when the whole limit is yellow (yellowAtRemainingDays >= limit)', () => {
      const policy = policyWith({ yellowAtRemainingDays: 1 });
      expect(findingOf(run(open(), '2026-03-03T12:00:00+08:00', { limit: limit(1), policy }), 'TIME_YELLOW_LIGHT')).to.equal(undefined);
    });

    it('is not found while the deadline is pending (a suspension open before yellowFrom)', () => {
      const events = [...open(), suspended('2026-03-04T10:00:00+08:00')];
      expect(codes(run(events, '2026-03-20T12:00:00+08:00'))).to.deep.equal([]);
    });

    it('moves with a pause: 2 working days paused (03-05, 03-06) move yellowFrom to 03-11', () => {
      const events = [...open(), suspended('2026-03-04T10:00:00+08:00'), resumed('2026-03-06T15:00:00+08:00')];
      expect(findingOf(run(events, '2026-03-10T23:00:00+08:00'), 'TIME_YELLOW_LIGHT')).to.equal(undefined);
      expect(findingOf(run(events, '2026-03-11T09:00:00+08:00'), 'TIME_YELLOW_LIGHT')?.foundAt).to.equal('2026-03-11T00:00:00+08:00');
    });

    it('finds nothing time-related without a known limit', () => {
      expect(codes(run(open(), '2026-04-30T12:00:00+08:00', { limit: null }))).to.deep.equal([]);
    });
  });

  describe('TIME_RED_LIGHT', () => {
    it('is not found on the deadline, found from 00:00 of the day after', () => {
      expect(findingOf(run(open(), '2026-03-09T23:59:59+08:00'), 'TIME_RED_LIGHT')).to.equal(undefined);
      expect(findingOf(run(open(), '2026-03-10T00:00:00+08:00'), 'TIME_RED_LIGHT')).to.deep.equal({
        rule: 'TIME_RED_LIGHT',
        ruleVersion: 1,
        foundAt: '2026-03-10T00:00:00+08:00',
        message: '办件 CASE-0001 已超过办结期限 2026-03-09, 亮红灯',
        details: { deadline: '2026-03-09' },
      });
    });

    it('uses the calendar day after the deadline, even a weekend (deadline Friday 03-06 → red Saturday 03-07)', () => {
      const f = findingOf(run(open(), '2026-03-07T10:00:00+08:00', { limit: limit(4) }), 'TIME_RED_LIGHT');
      expect(f?.foundAt).to.equal('2026-03-07T00:00:00+08:00');
    });

    it('is not found for a case concluded on the deadline, found for one concluded the day after', () => {
      const onTime = run([...open(), concluded('2026-03-09T17:00:00+08:00')], '2026-04-01T12:00:00+08:00');
      expect(findingOf(onTime, 'TIME_RED_LIGHT')).to.equal(undefined);
      const late = run([...open(), concluded('2026-03-10T09:00:00+08:00')], '2026-04-01T12:00:00+08:00');
      expect(codes(late)).to.deep.equal(['TIME_YELLOW_LIGHT', 'TIME_RED_LIGHT', 'YELLOW_CARD']);
    });

    it('is found for a case paused after its deadline (the deadline stays known)', () => {
      const events = [...open(), suspended('2026-03-11T10:00:00+08:00')];
      expect(findingOf(run(events, '2026-03-12T10:00:00+08:00'), 'TIME_RED_LIGHT')?.foundAt).to.equal('2026-03-10T00:00:00+08:00');
    });
  });

  describe('YELLOW_CARD and RED_CARD', () => {
    it('gives no card on the deadline', () => {
      const outcome = run(open(), '2026-03-09T18:00:00+08:00');
      expect(findingOf(outcome, 'YELLOW_CARD')).to.equal(undefined);
      expect(findingOf(outcome, 'RED_CARD')).to.equal(undefined);
    });

    it('gives a yellow card on the first overdue working day', () => {
      expect(findingOf(run(open(), '2026-03-10T08:00:00+08:00'), 'YELLOW_CARD')).to.deep.equal({
        rule: 'YELLOW_CARD',
        ruleVersion: 1,
        foundAt: '2026-03-10T00:00:00+08:00',
        message: '办件 CASE-0001 已超期 1 个工作日, 亮黄牌',
        details: { deadline: '2026-03-09', overdueDays: 1, cardDay: '2026-03-10' },
      });
    });

    it('gives no red card at 3 overdue days, a red card at 4', () => {
      const three = run(open(), '2026-03-12T23:59:59+08:00');
      expect(findingOf(three, 'RED_CARD')).to.equal(undefined);
      expect(findingOf(three, 'YELLOW_CARD')?.details).to.deep.equal({ deadline: '2026-03-09', overdueDays: 3, cardDay: '2026-03-10' });
      const four = run(open(), '2026-03-13T00:00:00+08:00');
      expect(findingOf(four, 'RED_CARD')).to.deep.equal({
        rule: 'RED_CARD',
        ruleVersion: 1,
        foundAt: '2026-03-13T00:00:00+08:00',
        message: '办件 CASE-0001 已超期 4 个工作日, 亮红牌',
        details: { deadline: '2026-03-09', overdueDays: 4, cardDay: '2026-03-13' },
      });
      expect(codes(four)).to.deep.equal(['TIME_YELLOW_LIGHT', 'TIME_RED_LIGHT', 'YELLOW_CARD', 'RED_CARD']);
    });

    it('counts overdue working days only: the weekend after the deadline adds none', () => {
      // limit 4: deadline Friday 03-06; Saturday 03-07 is red but 0 overdue working days.
      const saturday = run(open(), '2026-03-08T12:00:00+08:00', { limit: limit(4) });
      expect(codes(saturday)).to.deep.equal(['TIME_YELLOW_LIGHT', 'TIME_RED_LIGHT']);
      const monday = run(open(), '2026-03-09T12:00:00+08:00', { limit: limit(4) });
      expect(findingOf(monday, 'YELLOW_CARD')?.foundAt).to.equal('2026-03-09T00:00:00+08:00');
    });

    it('judges a concluded case at its conclusion date: it keeps the cards it earned, and no more', () => {
      const events = [...open(), concluded('2026-03-11T10:00:00+08:00')];
      const outcome = run(events, '2026-06-01T12:00:00+08:00');
      expect(findingOf(outcome, 'YELLOW_CARD')?.details).to.deep.equal({ deadline: '2026-03-09', overdueDays: 2, cardDay: '2026-03-10' });
      expect(findingOf(outcome, 'RED_CARD')).to.equal(undefined);
    });

    it('follows the policy thresholds (yellow at 2, red at 3)', () => {
      const policy = policyWith({ yellowCardOverdueDays: 2, redCardOverdueDays: 3 });
      expect(codes(run(open(), '2026-03-10T12:00:00+08:00', { policy }))).to.deep.equal(['TIME_YELLOW_LIGHT', 'TIME_RED_LIGHT']);
      expect(findingOf(run(open(), '2026-03-11T12:00:00+08:00', { policy }), 'YELLOW_CARD')?.foundAt).to.equal('2026-03-11T00:00:00+08:00');
      expect(findingOf(run(open(), '2026-03-11T12:00:00+08:00', { policy }), 'RED_CARD')).to.equal(undefined);
      expect(findingOf(run(open(), '2026-03-12T12:00:00+08:00', { policy }), 'RED_CARD')?.foundAt).to.equal('2026-03-12T00:00:00+08:00');
    });

    it('uses the adjusted working days: deadline Friday 2026-10-09, yellow card Saturday 10-10 (调休上班)', () => {
      // Accepted Wednesday 09-30, 2 working days: 10-01..07 are holidays, so 10-08 and 10-09 count;
      // Saturday 10-10 is a working day and the first overdue one.
      const events = [accepted('2026-09-30T10:00:00+08:00')];
      const outcome = run(events, '2026-10-10T09:00:00+08:00', { limit: limit(2) });
      expect(findingOf(outcome, 'TIME_RED_LIGHT')?.details).to.deep.equal({ deadline: '2026-10-09' });
      expect(findingOf(outcome, 'YELLOW_CARD')?.foundAt).to.equal('2026-10-10T00:00:00+08:00');
    });
  });
});

import { expect } from 'chai';
import type { LimitUnit } from '../../../node/cases/case-event.ts';
import { accepted, codes, concluded, findingOf, resumed, run, suspended } from './fixtures.ts';

const acc = () => accepted('2026-03-02T09:00:00+08:00');
// Suspended Tuesday 2026-03-03 with 3 planned days.
const pause = (plannedUnit?: LimitUnit, plannedDays = 3) =>
  suspended('2026-03-03T10:00:00+08:00', 'special', {
    eventId: 'susp-1',
    plannedDays,
    ...(plannedUnit === undefined ? {} : { plannedUnit }),
  });
const overrun = (events: Parameters<typeof run>[0], at: string) => findingOf(run(events, at, { limit: null }), 'SUSPENSION_OVERRUN');

describe('supervision/rules suspension findings', () => {
  describe('SUSPENSION_OVERRUN in working days', () => {
    it('is not found at exactly the planned days (03-04, 03-05, 03-06), even over the weekend', () => {
      expect(overrun([acc(), pause('workday')], '2026-03-06T23:59:59+08:00')).to.equal(undefined);
      expect(overrun([acc(), pause('workday')], '2026-03-08T23:59:59+08:00')).to.equal(undefined);
    });

    it('is found on the next working day (the 4th), for a suspension still open', () => {
      expect(overrun([acc(), pause('workday')], '2026-03-09T00:00:00+08:00')).to.deep.equal({
        rule: 'SUSPENSION_OVERRUN',
        ruleVersion: 1,
        foundAt: '2026-03-09T00:00:00+08:00',
        message: '办件 CASE-0001 的特别程序暂停计时已达 4 个工作日, 超过计划的 3 个工作日',
        details: {
          eventId: 'susp-1',
          procedure: 'special',
          startDay: '2026-03-03',
          endDay: null,
          plannedDays: 3,
          plannedUnit: 'workday',
          days: 4,
        },
      });
    });

    it('counts working days when plannedUnit is absent', () => {
      expect(overrun([acc(), pause()], '2026-03-08T12:00:00+08:00')).to.equal(undefined);
      expect(overrun([acc(), pause()], '2026-03-09T12:00:00+08:00')?.details).to.include({ plannedUnit: 'workday', days: 4 });
    });

    it('judges a closed suspension by its end: resumed on the 3rd day fine, on the 4th found', () => {
      const onPlan = [acc(), pause('workday'), resumed('2026-03-06T16:00:00+08:00')];
      expect(overrun(onPlan, '2026-04-30T12:00:00+08:00')).to.equal(undefined);
      const over = [acc(), pause('workday'), resumed('2026-03-09T09:00:00+08:00')];
      expect(overrun(over, '2026-04-30T12:00:00+08:00')?.details).to.include({ endDay: '2026-03-09', days: 4 });
    });

    it('treats a conclusion as the end of an open suspension', () => {
      const events = [acc(), pause('workday'), concluded('2026-03-06T16:00:00+08:00', 'withdrawn')];
      expect(overrun(events, '2026-04-30T12:00:00+08:00')).to.equal(undefined);
    });

    it('skips the National Day holidays and counts the adjusted Saturday 2026-10-10', () => {
      // Working days after 09-30: 10-08, 10-09, 10-10 (调休上班) = 3; 10-11 is a Sunday; 10-12 the 4th.
      const events = [accepted('2026-09-29T09:00:00+08:00'), suspended('2026-09-30T10:00:00+08:00', 'special', { plannedDays: 3 })];
      expect(overrun(events, '2026-10-11T23:00:00+08:00')).to.equal(undefined);
      expect(overrun(events, '2026-10-12T08:00:00+08:00')?.foundAt).to.equal('2026-10-12T00:00:00+08:00');
    });
  });

  describe('SUSPENSION_OVERRUN in calendar days', () => {
    it('is not found after exactly 3 calendar days, found on the 4th (a Saturday)', () => {
      expect(overrun([acc(), pause('calendarDay')], '2026-03-06T23:59:59+08:00')).to.equal(undefined);
      const f = overrun([acc(), pause('calendarDay')], '2026-03-07T00:00:00+08:00');
      expect(f?.foundAt).to.equal('2026-03-07T00:00:00+08:00');
      expect(f?.details).to.include({ plannedUnit: 'calendarDay', days: 4 });
      expect(f?.message).to.equal('办件 CASE-0001 的特别程序暂停计时已达 4 个自然日, 超过计划的 3 个自然日');
    });

    it('with 0 planned days, runs over on the first day after the start', () => {
      expect(overrun([acc(), pause('calendarDay', 0)], '2026-03-03T23:00:00+08:00')).to.equal(undefined);
      expect(overrun([acc(), pause('calendarDay', 0)], '2026-03-04T00:00:00+08:00')?.foundAt).to.equal('2026-03-04T00:00:00+08:00');
    });
  });

  describe('SUSPENSION_OVERRUN with several suspensions', () => {
    it('ignores suspensions without planned days', () => {
      const events = [acc(), suspended('2026-03-03T10:00:00+08:00', 'special')];
      expect(overrun(events, '2026-06-01T12:00:00+08:00')).to.equal(undefined);
    });

    it('reports the first overrunning suspension', () => {
      const events = [
        acc(),
        suspended('2026-03-03T10:00:00+08:00', 'special', { eventId: 'a', plannedDays: 5 }),
        resumed('2026-03-05T10:00:00+08:00'), // 2 days of 5: fine
        suspended('2026-03-06T10:00:00+08:00', 'special', { eventId: 'b', plannedDays: 1 }),
        resumed('2026-03-10T10:00:00+08:00'), // 2 working days (03-09, 03-10) of 1: over on 03-10
        suspended('2026-03-11T10:00:00+08:00', 'special', { eventId: 'c', plannedDays: 1, plannedUnit: 'calendarDay' }),
        resumed('2026-03-20T10:00:00+08:00'),
      ];
      const f = overrun(events, '2026-04-01T12:00:00+08:00');
      expect(f?.foundAt).to.equal('2026-03-10T00:00:00+08:00');
      expect(f?.details).to.include({ eventId: 'b', startDay: '2026-03-06', endDay: '2026-03-10', days: 2 });
    });
  });

  describe('SUPPLEMENT_REPEATED', () => {
    it('is not found for one supplement', () => {
      const events = [acc(), suspended('2026-03-03T10:00:00+08:00', 'supplement'), resumed('2026-03-05T10:00:00+08:00')];
      expect(codes(run(events, '2026-03-06T12:00:00+08:00', { limit: null }))).to.deep.equal([]);
    });

    it('is found at the start of the second supplement', () => {
      const events = [
        acc(),
        suspended('2026-03-03T10:00:00+08:00', 'supplement', { eventId: 's1' }),
        resumed('2026-03-05T10:00:00+08:00'),
        suspended('2026-03-06T11:00:00+08:00', 'supplement', { eventId: 's2' }),
      ];
      expect(findingOf(run(events, '2026-03-06T10:59:59+08:00', { limit: null }), 'SUPPLEMENT_REPEATED')).to.equal(undefined);
      expect(findingOf(run(events, '2026-03-06T11:00:00+08:00', { limit: null }), 'SUPPLEMENT_REPEATED')).to.deep.equal({
        rule: 'SUPPLEMENT_REPEATED',
        ruleVersion: 1,
        foundAt: '2026-03-06T11:00:00+08:00',
        message: '办件 CASE-0001 已 2 次要求申请人补正材料',
        details: { count: 2, eventIds: ['s1', 's2'] },
      });
    });

    it('counts every supplement but is found at the second', () => {
      const events = [
        acc(),
        suspended('2026-03-03T10:00:00+08:00', 'supplement', { eventId: 's1' }),
        resumed('2026-03-04T10:00:00+08:00'),
        suspended('2026-03-05T10:00:00+08:00', 'supplement', { eventId: 's2' }),
        resumed('2026-03-06T10:00:00+08:00'),
        suspended('2026-03-09T10:00:00+08:00', 'supplement', { eventId: 's3' }),
      ];
      const f = findingOf(run(events, '2026-03-10T12:00:00+08:00', { limit: null }), 'SUPPLEMENT_REPEATED');
      expect(f?.foundAt).to.equal('2026-03-05T10:00:00+08:00');
      expect(f?.details).to.deep.equal({ count: 3, eventIds: ['s1', 's2', 's3'] });
    });

    it('does not count a suspended event while one is open (it continues the first), nor special procedures', () => {
      const events = [
        acc(),
        suspended('2026-03-03T10:00:00+08:00', 'special'),
        suspended('2026-03-04T10:00:00+08:00', 'supplement'), // continues the special procedure
        resumed('2026-03-05T10:00:00+08:00'),
        suspended('2026-03-06T10:00:00+08:00', 'supplement'),
        suspended('2026-03-06T11:00:00+08:00', 'supplement'), // continues it
        resumed('2026-03-09T10:00:00+08:00'),
      ];
      expect(codes(run(events, '2026-03-10T12:00:00+08:00', { limit: null }))).to.deep.equal([]);
    });
  });
});

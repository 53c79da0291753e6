/**
 * The time findings of a calendar-day item whose last day is a rest day: they follow the deadline
 * moved to the next working day (民法典第二百零三条), as the verdict does.
 *
 * Accepted Wed 2026-11-25 with 10 calendar days: the 10th date is Sat 12-05, the deadline Mon 12-07.
 * Red light from Tue 12-08, which is also the first overdue working day (yellow card).
 */
import { expect } from 'chai';
import { accepted, codes, findingOf, limit, policyWith, run, suspended } from './fixtures.ts';

const ACCEPTED = '2026-11-25T10:00:00+08:00';
const open = () => [accepted(ACCEPTED, { eventId: 'acc' })];
const tenDays = limit(10, 'calendarDay');

describe('supervision/rules time findings on a calendar-day deadline that falls on a rest day', () => {
  it('finds nothing over the weekend: neither yellow on the Saturday nor red on the Sunday', () => {
    expect(codes(run(open(), '2026-12-05T12:00:00+08:00', { limit: tenDays }))).to.deep.equal([]);
    expect(codes(run(open(), '2026-12-06T23:59:59+08:00', { limit: tenDays }))).to.deep.equal([]);
  });

  it('is yellow on Monday 12-07 and red with a yellow card from Tuesday 12-08', () => {
    const monday = run(open(), '2026-12-07T09:00:00+08:00', { limit: tenDays });
    expect(codes(monday)).to.deep.equal(['TIME_YELLOW_LIGHT']);
    expect(findingOf(monday, 'TIME_YELLOW_LIGHT')).to.deep.include({
      foundAt: '2026-12-07T00:00:00+08:00', details: { yellowFrom: '2026-12-07', deadline: '2026-12-07' },
    });
    const tuesday = run(open(), '2026-12-08T09:00:00+08:00', { limit: tenDays });
    expect(findingOf(tuesday, 'TIME_RED_LIGHT')).to.deep.include({ foundAt: '2026-12-08T00:00:00+08:00', details: { deadline: '2026-12-07' } });
    expect(findingOf(tuesday, 'YELLOW_CARD')).to.deep.include({
      foundAt: '2026-12-08T00:00:00+08:00', details: { deadline: '2026-12-07', overdueDays: 1, cardDay: '2026-12-08' },
    });
    expect(findingOf(run(open(), '2026-12-11T09:00:00+08:00', { limit: tenDays }), 'RED_CARD')?.foundAt).to.equal('2026-12-11T00:00:00+08:00');
  });

  it('looks again on the moved days, not on the weekend', () => {
    expect(run(open(), '2026-12-04T12:00:00+08:00', { limit: tenDays }).nextDueAt).to.equal('2026-12-07T00:00:00+08:00');
  });

  it('judges a yellow light before an open pause against the moved deadline', () => {
    // Paused on Fri 12-04 and still paused: the deadline is pending. Before the pause the case had
    // 12-05, 12-06 and 12-07 left, so with yellowAtRemainingDays 1 it never was yellow ...
    const paused = [...open(), suspended('2026-12-04T10:00:00+08:00')];
    const one = policyWith({ yellowAtRemainingDays: 1 });
    expect(findingOf(run(paused, '2026-12-20T12:00:00+08:00', { limit: tenDays, policy: one }), 'TIME_YELLOW_LIGHT')).to.equal(undefined);
    // ... and with 3 it was, from 12-04 on.
    const three = policyWith({ yellowAtRemainingDays: 3 });
    expect(findingOf(run(paused, '2026-12-20T12:00:00+08:00', { limit: tenDays, policy: three }), 'TIME_YELLOW_LIGHT')?.details)
      .to.deep.equal({ yellowFrom: '2026-12-04', deadline: null });
  });
});

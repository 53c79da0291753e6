import { expect } from 'chai';
import type { CaseEvent } from '../../../node/cases/case-event.ts';
import type { TimePolicy } from '../../../node/timelimits/policy.ts';
import { accepted, findingOf, policyWith, run, rx, stage } from './fixtures.ts';

/** The LATE_REPORT finding for one stage event occurring at `occurredAt` and received at `receivedAt`. */
function late(occurredAt: string, receivedAt: string, policy?: TimePolicy, at = '2026-12-31T12:00:00+08:00') {
  const events = [rx(accepted('2026-01-05T09:00:00+08:00')), rx(stage(occurredAt, 'undertake', 'ev'), receivedAt)];
  return findingOf(run(events, at, { item: null, limit: null, ...(policy === undefined ? {} : { policy }) }), 'LATE_REPORT');
}
const reportBy = (occurredAt: string, receivedAt: string, policy?: TimePolicy) => late(occurredAt, receivedAt, policy)?.details['reportBy'];

describe('supervision/rules LATE_REPORT', () => {
  describe('an event of a working day before the report-by time (Monday 2026-03-02 10:00)', () => {
    it('is on time when received at 17:00:00 that day', () => {
      expect(late('2026-03-02T10:00:00+08:00', '2026-03-02T17:00:00+08:00')).to.equal(undefined);
    });

    it('is late when received at 17:00:01', () => {
      expect(late('2026-03-02T10:00:00+08:00', '2026-03-02T17:00:01+08:00')).to.deep.equal({
        rule: 'LATE_REPORT',
        ruleVersion: 1,
        foundAt: '2026-03-02T17:00:01+08:00',
        message: '办件 CASE-0001 的事件 ev 应于 2026-03-02T17:00:00+08:00 前上报, 实际于 2026-03-02T17:00:01+08:00 上报',
        details: {
          eventId: 'ev',
          occurredAt: '2026-03-02T10:00:00+08:00',
          receivedAt: '2026-03-02T17:00:01+08:00',
          reportBy: '2026-03-02T17:00:00+08:00',
          lateEvents: 1,
        },
      });
    });

    it('compares instants whatever the offset (09:00:01Z is 17:00:01 in Shanghai)', () => {
      expect(late('2026-03-02T02:00:00Z', '2026-03-02T09:00:00Z')).to.equal(undefined);
      expect(late('2026-03-02T02:00:00Z', '2026-03-02T09:00:01Z')?.foundAt).to.equal('2026-03-02T09:00:01Z');
    });

    it('is due the same day for an event at exactly 17:00:00', () => {
      expect(reportBy('2026-03-02T17:00:00+08:00', '2026-03-02T17:00:01+08:00')).to.equal('2026-03-02T17:00:00+08:00');
    });
  });

  describe('an event of a working day after the report-by time', () => {
    it('is due at 17:00 of the next working day (Monday 18:00 → Tuesday 17:00)', () => {
      expect(late('2026-03-02T18:00:00+08:00', '2026-03-03T17:00:00+08:00')).to.equal(undefined);
      expect(reportBy('2026-03-02T18:00:00+08:00', '2026-03-03T17:00:01+08:00')).to.equal('2026-03-03T17:00:00+08:00');
    });

    it('is due the next working day also at 17:00:30 (after the report-by instant)', () => {
      expect(reportBy('2026-03-02T17:00:30+08:00', '2026-03-03T17:00:01+08:00')).to.equal('2026-03-03T17:00:00+08:00');
    });

    it('skips the weekend (Friday 18:00 → Monday 17:00)', () => {
      expect(late('2026-03-06T18:00:00+08:00', '2026-03-09T16:00:00+08:00')).to.equal(undefined);
      expect(reportBy('2026-03-06T18:00:00+08:00', '2026-03-09T17:30:00+08:00')).to.equal('2026-03-09T17:00:00+08:00');
    });

    it('lands on an adjusted working Saturday (Friday 2026-10-09 18:00 → Saturday 10-10 17:00)', () => {
      expect(reportBy('2026-10-09T18:00:00+08:00', '2026-10-12T09:00:00+08:00')).to.equal('2026-10-10T17:00:00+08:00');
    });
  });

  describe('an event of a non-working day', () => {
    it('is due at 17:00 of the next working day (Saturday 2026-03-07 → Monday 03-09)', () => {
      expect(late('2026-03-07T10:00:00+08:00', '2026-03-09T17:00:00+08:00')).to.equal(undefined);
      expect(reportBy('2026-03-07T10:00:00+08:00', '2026-03-09T17:00:01+08:00')).to.equal('2026-03-09T17:00:00+08:00');
    });

    it('is due after the National Day holidays (2026-10-01 → Thursday 10-08)', () => {
      expect(late('2026-10-01T10:00:00+08:00', '2026-10-08T17:00:00+08:00')).to.equal(undefined);
      expect(reportBy('2026-10-01T10:00:00+08:00', '2026-10-08T17:00:01+08:00')).to.equal('2026-10-08T17:00:00+08:00');
    });

    it('treats an adjusted working Saturday as a working day (2026-10-10 10:00 due that day)', () => {
      expect(reportBy('2026-10-10T10:00:00+08:00', '2026-10-10T17:00:01+08:00')).to.equal('2026-10-10T17:00:00+08:00');
    });
  });

  describe('custom report-by times (12:00 on working days, 09:30 after non-working days)', () => {
    const policy = policyWith({ reportByTime: '12:00', nonWorkingDayReportByTime: '09:30' });

    it('applies reportByTime on a working day', () => {
      expect(late('2026-03-02T11:00:00+08:00', '2026-03-02T12:00:00+08:00', policy)).to.equal(undefined);
      expect(reportBy('2026-03-02T11:00:00+08:00', '2026-03-02T12:00:01+08:00', policy)).to.equal('2026-03-02T12:00:00+08:00');
    });

    it('moves an event after reportByTime to the next working day at reportByTime', () => {
      expect(late('2026-03-02T12:30:00+08:00', '2026-03-03T11:00:00+08:00', policy)).to.equal(undefined);
      expect(reportBy('2026-03-02T12:30:00+08:00', '2026-03-03T12:00:01+08:00', policy)).to.equal('2026-03-03T12:00:00+08:00');
    });

    it('applies nonWorkingDayReportByTime after a non-working day', () => {
      expect(late('2026-03-08T20:00:00+08:00', '2026-03-09T09:30:00+08:00', policy)).to.equal(undefined);
      expect(reportBy('2026-03-08T20:00:00+08:00', '2026-03-09T09:30:01+08:00', policy)).to.equal('2026-03-09T09:30:00+08:00');
    });
  });

  it('reports the earliest-received late event and counts all of them', () => {
    const events: { event: CaseEvent; receivedAt: string }[] = [
      rx(accepted('2026-03-02T09:00:00+08:00', { eventId: 'a' }), '2026-03-04T10:00:00+08:00'), // late
      rx(stage('2026-03-02T10:00:00+08:00', 'undertake', 'b'), '2026-03-03T08:00:00+08:00'), // late, received first
      rx(stage('2026-03-03T10:00:00+08:00', 'review', 'c'), '2026-03-03T11:00:00+08:00'), // on time
    ];
    const f = findingOf(run(events, '2026-03-05T12:00:00+08:00', { item: null, limit: null }), 'LATE_REPORT');
    expect(f?.foundAt).to.equal('2026-03-03T08:00:00+08:00');
    expect(f?.details).to.include({ eventId: 'b', lateEvents: 2 });
    expect(f?.message).to.contain('共 2 个事件上报不及时');
  });

  it('ignores events received after `at` and events that occurred after `at`', () => {
    // Received late on 03-04, but at 03-03 the node had not received it yet.
    expect(late('2026-03-02T10:00:00+08:00', '2026-03-04T10:00:00+08:00', undefined, '2026-03-03T12:00:00+08:00')).to.equal(undefined);
    expect(late('2026-03-02T10:00:00+08:00', '2026-03-04T10:00:00+08:00', undefined, '2026-03-04T10:00:00+08:00')?.foundAt).to.equal(
      '2026-03-04T10:00:00+08:00',
    );
    // An event from the future (occurredAt > at), even if received, does not count.
    const events = [rx(accepted('2026-03-02T09:00:00+08:00')), rx(stage('2026-03-06T10:00:00+08:00', 'review'), '2026-03-02T10:00:00+08:00')];
    expect(findingOf(run(events, '2026-03-05T12:00:00+08:00', { item: null, limit: null }), 'LATE_REPORT')).to.equal(undefined);
  });
});

import { expect } from 'chai';
import type { CaseEvent } from '../../../node/cases/case-event.ts';
import { foldCaseEvents } from '../../../node/timelimits/case-facts.ts';
import { accepted, CASE_NO, concluded, d, fee, notAccepted, resumed, stage, suspended } from './fixtures.ts';

describe('timelimits/foldCaseEvents', () => {
  it('is pending with no events', () => {
    expect(foldCaseEvents([])).to.deep.equal({
      caseNo: '',
      status: 'pending',
      itemCode: null,
      departmentCode: null,
      acceptedAt: null,
      acceptedDay: null,
      limitOverride: null,
      stage: null,
      suspensions: [],
      concludedAt: null,
      concludedDay: null,
      result: null,
      lastOccurredAt: null,
    });
  });

  it('folds an accepted case with its stages', () => {
    const facts = foldCaseEvents([
      accepted('2025-01-24T10:00:00+08:00', { promisedLimitDays: 3 }),
      stage('2025-01-26T09:00:00+08:00', 'undertake'),
      fee('2025-01-26T09:30:00+08:00'),
      stage('2025-01-27T09:00:00+08:00', 'review'),
    ]);
    expect(facts).to.deep.equal({
      caseNo: CASE_NO,
      status: 'open',
      itemCode: 'ITEM-1',
      departmentCode: 'DEPT-1',
      acceptedAt: '2025-01-24T10:00:00+08:00',
      acceptedDay: d('2025-01-24'),
      limitOverride: 3,
      stage: 'review',
      suspensions: [],
      concludedAt: null,
      concludedDay: null,
      result: null,
      lastOccurredAt: '2025-01-27T09:00:00+08:00',
    });
  });

  it('takes the acceptance date in Shanghai and keeps occurredAt as sent', () => {
    const facts = foldCaseEvents([accepted('2026-02-13T20:00:00Z')]);
    expect(facts.acceptedAt).to.equal('2026-02-13T20:00:00Z');
    expect(facts.acceptedDay).to.equal(d('2026-02-14'));
  });

  it('records a closed and then an open suspension', () => {
    const facts = foldCaseEvents([
      accepted('2025-03-03T09:00:00+08:00'),
      suspended('2025-03-05T10:00:00+08:00', 'supplement'),
      resumed('2025-03-07T15:00:00+08:00'),
      suspended('2025-03-10T10:00:00+08:00', 'special', { kind: 'expertReview', plannedDays: 10, plannedUnit: 'workday' }),
    ]);
    expect(facts.status).to.equal('paused');
    expect(facts.suspensions).to.deep.equal([
      { startDay: d('2025-03-05'), endDay: d('2025-03-07'), procedure: 'supplement' },
      { startDay: d('2025-03-10'), endDay: null, procedure: 'special', plannedDays: 10, plannedUnit: 'workday' },
    ]);
  });

  it('continues an open suspension on a second suspended event and ignores a resumed one with none open', () => {
    const facts = foldCaseEvents([
      accepted('2025-03-03T09:00:00+08:00'),
      resumed('2025-03-04T09:00:00+08:00'), // nothing open: ignored
      suspended('2025-03-05T10:00:00+08:00', 'special'),
      suspended('2025-03-06T10:00:00+08:00', 'supplement'), // continues the first
      resumed('2025-03-07T15:00:00+08:00'),
      resumed('2025-03-10T15:00:00+08:00'), // nothing open: ignored
    ]);
    expect(facts.status).to.equal('open');
    expect(facts.suspensions).to.deep.equal([{ startDay: d('2025-03-05'), endDay: d('2025-03-07'), procedure: 'special' }]);
    expect(facts.lastOccurredAt).to.equal('2025-03-10T15:00:00+08:00');
  });

  it('closes an open suspension on the conclusion date', () => {
    const facts = foldCaseEvents([
      accepted('2025-03-03T09:00:00+08:00'),
      suspended('2025-03-05T10:00:00+08:00'),
      concluded('2025-03-14T11:00:00+08:00', 'withdrawn'),
    ]);
    expect(facts.status).to.equal('concluded');
    expect(facts.suspensions).to.deep.equal([{ startDay: d('2025-03-05'), endDay: d('2025-03-14'), procedure: 'special' }]);
    expect(facts.concludedAt).to.equal('2025-03-14T11:00:00+08:00');
    expect(facts.concludedDay).to.equal(d('2025-03-14'));
    expect(facts.result).to.equal('withdrawn');
  });

  it('ignores events before intake and after a conclusion', () => {
    const facts = foldCaseEvents([
      stage('2025-03-01T09:00:00+08:00', 'undertake'),
      suspended('2025-03-02T09:00:00+08:00'),
      concluded('2025-03-02T10:00:00+08:00'),
      accepted('2025-03-03T09:00:00+08:00'),
      accepted('2025-03-04T09:00:00+08:00', { itemCode: 'OTHER' }),
      concluded('2025-03-05T09:00:00+08:00', 'approved'),
      stage('2025-03-06T09:00:00+08:00', 'approve'),
      suspended('2025-03-06T10:00:00+08:00'),
      concluded('2025-03-07T09:00:00+08:00', 'voided'),
    ]);
    expect(facts.status).to.equal('concluded');
    expect(facts.itemCode).to.equal('ITEM-1');
    expect(facts.acceptedDay).to.equal(d('2025-03-03'));
    expect(facts.stage).to.equal(null);
    expect(facts.suspensions).to.deep.equal([]);
    expect(facts.concludedDay).to.equal(d('2025-03-05'));
    expect(facts.result).to.equal('approved');
    expect(facts.lastOccurredAt).to.equal('2025-03-07T09:00:00+08:00');
  });

  it('folds a refusal at intake as terminal', () => {
    const facts = foldCaseEvents([
      notAccepted('2025-03-03T09:00:00+08:00', { itemCode: 'ITEM-9', departmentCode: 'DEPT-9' }),
      accepted('2025-03-04T09:00:00+08:00'),
    ]);
    expect(facts.status).to.equal('notAccepted');
    expect(facts.itemCode).to.equal('ITEM-9');
    expect(facts.departmentCode).to.equal('DEPT-9');
    expect(facts.acceptedAt).to.equal(null);
    expect(facts.acceptedDay).to.equal(null);
    expect(facts.concludedAt).to.equal('2025-03-03T09:00:00+08:00');
    expect(facts.result).to.equal(null);
  });

  describe('as of an instant', () => {
    const events = [
      accepted('2025-03-03T09:00:00+08:00'),
      suspended('2025-03-05T10:00:00+08:00'),
      resumed('2025-03-07T15:00:00+08:00'),
      concluded('2025-03-14T11:00:00+08:00'),
    ];

    it('counts only events with occurredAt <= at', () => {
      expect(foldCaseEvents(events, new Date('2025-03-03T08:59:59+08:00')).status).to.equal('pending');
      // An event exactly at `at` counts.
      expect(foldCaseEvents(events, new Date('2025-03-03T09:00:00+08:00')).status).to.equal('open');
      const paused = foldCaseEvents(events, new Date('2025-03-06T00:00:00+08:00'));
      expect(paused.status).to.equal('paused');
      expect(paused.suspensions).to.deep.equal([{ startDay: d('2025-03-05'), endDay: null, procedure: 'special' }]);
      expect(paused.lastOccurredAt).to.equal('2025-03-05T10:00:00+08:00');
      const open = foldCaseEvents(events, new Date('2025-03-14T10:59:00+08:00'));
      expect(open.status).to.equal('open');
      expect(open.concludedAt).to.equal(null);
      expect(foldCaseEvents(events, new Date('2025-03-14T03:00:00Z')).status).to.equal('concluded');
    });

    it('rejects an invalid Date', () => {
      expect(() => foldCaseEvents(events, new Date('nonsense'))).to.throw(RangeError);
    });
  });

  describe('ordering', () => {
    it('orders by instant, not by the text of occurredAt', () => {
      // '2025-03-04T18:00:00Z' is 02:00 on 03-05 in Shanghai: after the 01:00+08:00 suspension, so it resumes it.
      const facts = foldCaseEvents([
        accepted('2025-03-03T09:00:00+08:00'),
        resumed('2025-03-04T18:00:00Z'),
        suspended('2025-03-05T01:00:00+08:00'),
      ]);
      expect(facts.status).to.equal('open');
      expect(facts.suspensions).to.deep.equal([{ startDay: d('2025-03-05'), endDay: d('2025-03-05'), procedure: 'special' }]);
    });

    it('breaks ties by type: intake, stage/fee, suspended, resumed, concluded', () => {
      const at = '2025-09-30T15:00:00+08:00';
      const events: CaseEvent[] = [concluded(at), resumed(at), suspended(at), stage(at, 'approve'), accepted(at)];
      const facts = foldCaseEvents(events);
      expect(facts.status).to.equal('concluded');
      expect(facts.stage).to.equal('approve');
      expect(facts.suspensions).to.deep.equal([{ startDay: d('2025-09-30'), endDay: d('2025-09-30'), procedure: 'special' }]);
    });

    it('resumes a suspension sent with the same instant, whatever the input order', () => {
      const at = '2025-03-05T10:00:00+08:00';
      const facts = foldCaseEvents([accepted('2025-03-03T09:00:00+08:00'), resumed(at), suspended(at)]);
      expect(facts.status).to.equal('open');
      expect(facts.suspensions).to.deep.equal([{ startDay: d('2025-03-05'), endDay: d('2025-03-05'), procedure: 'special' }]);
    });

    it('breaks ties of type by eventId', () => {
      const at = '2025-03-04T10:00:00+08:00';
      const a = stage(at, 'review', 'id-a');
      const b = stage(at, 'approve', 'id-b');
      const acc = accepted('2025-03-03T09:00:00+08:00');
      expect(foldCaseEvents([acc, a, b]).stage).to.equal('approve');
      expect(foldCaseEvents([b, acc, a]).stage).to.equal('approve');
    });

    it('does not modify its input', () => {
      const events = Object.freeze([
        Object.freeze(concluded('2025-03-14T11:00:00+08:00')),
        Object.freeze(suspended('2025-03-05T10:00:00+08:00')),
        Object.freeze(accepted('2025-03-03T09:00:00+08:00')),
      ]);
      const copy = JSON.parse(JSON.stringify(events)) as unknown;
      const facts = foldCaseEvents(events);
      expect(facts.status).to.equal('concluded');
      expect(events).to.deep.equal(copy);
    });
  });

  it('rejects a malformed occurredAt and events of two cases', () => {
    expect(() => foldCaseEvents([accepted('2025-03-03 09:00')])).to.throw(RangeError);
    expect(() => foldCaseEvents([accepted('2025-03-03T09:00:00')])).to.throw(RangeError);
    const other = { ...stage('2025-03-04T09:00:00+08:00', 'review'), caseNo: 'CASE-9999' };
    expect(() => foldCaseEvents([accepted('2025-03-03T09:00:00+08:00'), other])).to.throw(RangeError, 'CASE-9999');
  });
});

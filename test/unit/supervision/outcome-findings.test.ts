import { expect } from 'chai';
import { CONCLUSION_RESULTS } from '../../../node/cases/case-event.ts';
import { accepted, codes, concluded, findingOf, notAccepted, run } from './fixtures.ts';

const AT = '2026-03-31T12:00:00+08:00';
const options = { limit: null };

describe('supervision/rules ABNORMAL_OUTCOME', () => {
  it('is found for a refusal at intake, with its reason', () => {
    const refusal = notAccepted('2026-03-02T09:30:00+08:00', { eventId: 'na', reason: '材料不齐全' });
    expect(findingOf(run([refusal], AT, options), 'ABNORMAL_OUTCOME')).to.deep.equal({
      rule: 'ABNORMAL_OUTCOME',
      ruleVersion: 1,
      foundAt: '2026-03-02T09:30:00+08:00',
      message: '办件 CASE-0001 不予受理: 材料不齐全',
      details: { eventId: 'na', result: 'notAccepted', reason: '材料不齐全' },
    });
  });

  const abnormal = { denied: '不予许可', returned: '退回', voided: '作废', supplementTimeout: '补正超时' } as const;
  for (const [result, label] of Object.entries(abnormal)) {
    it(`is found for a conclusion '${result}'`, () => {
      const end = concluded('2026-03-05T10:00:00+08:00', result as keyof typeof abnormal);
      const outcome = run([accepted('2026-03-02T09:00:00+08:00'), end], AT, options);
      expect(codes(outcome)).to.deep.equal(['ABNORMAL_OUTCOME']);
      expect(findingOf(outcome, 'ABNORMAL_OUTCOME')).to.deep.equal({
        rule: 'ABNORMAL_OUTCOME',
        ruleVersion: 1,
        foundAt: '2026-03-05T10:00:00+08:00',
        message: `办件 CASE-0001 以「${label}」办结`,
        details: { eventId: end.eventId, result },
      });
    });
  }

  for (const result of ['approved', 'withdrawn', 'transferred'] as const) {
    it(`is not found for a conclusion '${result}'`, () => {
      const events = [accepted('2026-03-02T09:00:00+08:00'), concluded('2026-03-05T10:00:00+08:00', result)];
      expect(codes(run(events, AT, options))).to.deep.equal([]);
    });
  }

  it('covers every conclusion result one way or the other', () => {
    expect([...Object.keys(abnormal), 'approved', 'withdrawn', 'transferred'].sort()).to.deep.equal([...CONCLUSION_RESULTS].sort());
  });

  it('is not found while the case is open, nor before the conclusion occurred', () => {
    const events = [accepted('2026-03-02T09:00:00+08:00'), concluded('2026-03-05T10:00:00+08:00', 'denied')];
    expect(codes(run(events, '2026-03-05T09:59:59+08:00', options))).to.deep.equal([]);
    expect(codes(run(events, '2026-03-05T10:00:00+08:00', options))).to.deep.equal(['ABNORMAL_OUTCOME']);
  });

  it('follows the fold: a refusal after acceptance, and a second conclusion, are ignored', () => {
    const events = [
      accepted('2026-03-02T09:00:00+08:00'),
      notAccepted('2026-03-02T10:00:00+08:00'),
      concluded('2026-03-05T10:00:00+08:00', 'approved'),
      concluded('2026-03-06T10:00:00+08:00', 'denied'),
    ];
    expect(codes(run(events, AT, options))).to.deep.equal([]);
  });
});

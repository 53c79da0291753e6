import { expect } from 'chai';
import { accepted, charge, codes, concluded, findingOf, ruleItem, run } from './fixtures.ts';

const STANDARD = [
  { code: 'GB-1', name: '工本费', amountFen: 1000 },
  { code: 'GB-2', name: '检验费', amountFen: 25_050 },
];
const paid = { item: ruleItem({ fees: STANDARD }), limit: null };
const free = { item: ruleItem({ fees: [] }), limit: null };
const acc = () => accepted('2026-03-02T09:00:00+08:00');
const AT = '2026-03-31T12:00:00+08:00';

describe('supervision/rules fee findings', () => {
  it('finds nothing when every fee is exactly the standard', () => {
    const events = [acc(), charge('2026-03-03T10:00:00+08:00', 'GB-1', 1000), charge('2026-03-03T10:01:00+08:00', 'GB-2', 25_050)];
    expect(codes(run(events, AT, paid))).to.deep.equal([]);
  });

  describe('FEE_AMOUNT_MISMATCH', () => {
    it('is found 1 fen below the standard', () => {
      const fee = charge('2026-03-03T10:00:00+08:00', 'GB-1', 999);
      expect(findingOf(run([acc(), fee], AT, paid), 'FEE_AMOUNT_MISMATCH')).to.deep.equal({
        rule: 'FEE_AMOUNT_MISMATCH',
        ruleVersion: 1,
        foundAt: '2026-03-03T10:00:00+08:00',
        message: '办件 CASE-0001 收费 GB-1 金额 9.99 元, 与收费标准 10.00 元不符',
        details: { eventId: fee.eventId, feeCode: 'GB-1', amountFen: 999, standardFen: 1000, count: 1 },
      });
    });

    it('is found 1 fen above the standard, at the first offending event, counting them all', () => {
      const first = charge('2026-03-03T10:00:00+08:00', 'GB-2', 25_051);
      const events = [acc(), charge('2026-03-04T10:00:00+08:00', 'GB-1', 2000), first, charge('2026-03-02T12:00:00+08:00', 'GB-1', 1000)];
      const outcome = run(events, AT, paid);
      expect(codes(outcome)).to.deep.equal(['FEE_AMOUNT_MISMATCH']);
      expect(findingOf(outcome, 'FEE_AMOUNT_MISMATCH')?.details).to.deep.equal({
        eventId: first.eventId,
        feeCode: 'GB-2',
        amountFen: 25_051,
        standardFen: 25_050,
        count: 2,
      });
    });
  });

  describe('FEE_NOT_IN_STANDARD', () => {
    it('is found for a fee code the standard does not have, whatever the amount', () => {
      const fee = charge('2026-03-03T10:00:00+08:00', 'XX-9', 1000);
      expect(findingOf(run([acc(), fee], AT, paid), 'FEE_NOT_IN_STANDARD')).to.deep.equal({
        rule: 'FEE_NOT_IN_STANDARD',
        ruleVersion: 1,
        foundAt: '2026-03-03T10:00:00+08:00',
        message: '办件 CASE-0001 收取了收费标准以外的费用 XX-9 (10.00 元)',
        details: { eventId: fee.eventId, feeCode: 'XX-9', amountFen: 1000, count: 1 },
      });
    });

    it('is found beside a mismatch, each rule once', () => {
      const events = [acc(), charge('2026-03-03T10:00:00+08:00', 'XX-9', 1), charge('2026-03-03T11:00:00+08:00', 'GB-1', 1), charge('2026-03-03T12:00:00+08:00', 'XX-8', 1)];
      const outcome = run(events, AT, paid);
      expect(codes(outcome)).to.deep.equal(['FEE_NOT_IN_STANDARD', 'FEE_AMOUNT_MISMATCH']);
      expect(findingOf(outcome, 'FEE_NOT_IN_STANDARD')?.details).to.include({ feeCode: 'XX-9', count: 2 });
    });
  });

  describe('FEE_ON_FREE_ITEM', () => {
    it('is not found for a zero fee on a free item', () => {
      expect(codes(run([acc(), charge('2026-03-03T10:00:00+08:00', 'GB-1', 0)], AT, free))).to.deep.equal([]);
    });

    it('is found for 1 fen on a free item (and not as "not in standard")', () => {
      const fee = charge('2026-03-03T10:00:00+08:00', 'GB-1', 1);
      const outcome = run([acc(), fee], AT, free);
      expect(codes(outcome)).to.deep.equal(['FEE_ON_FREE_ITEM']);
      expect(findingOf(outcome, 'FEE_ON_FREE_ITEM')).to.deep.equal({
        rule: 'FEE_ON_FREE_ITEM',
        ruleVersion: 1,
        foundAt: '2026-03-03T10:00:00+08:00',
        message: '不收费事项的办件 CASE-0001 收取了费用 GB-1 (0.01 元)',
        details: { eventId: fee.eventId, feeCode: 'GB-1', amountFen: 1, count: 1 },
      });
    });
  });

  it('checks nothing when the item is unknown', () => {
    const events = [acc(), charge('2026-03-03T10:00:00+08:00', 'XX-9', 99_999)];
    expect(codes(run(events, AT, { item: null, limit: null }))).to.deep.equal([]);
  });

  it('ignores fees that occurred after `at`, and counts fees after the conclusion', () => {
    const events = [acc(), concluded('2026-03-04T10:00:00+08:00', 'approved'), charge('2026-03-05T10:00:00+08:00', 'GB-1', 1)];
    expect(codes(run(events, '2026-03-05T09:59:59+08:00', free))).to.deep.equal([]);
    expect(codes(run(events, '2026-03-05T10:00:00+08:00', free))).to.deep.equal(['FEE_ON_FREE_ITEM']);
  });
});

import { expect } from 'chai';
import type { Stage } from '../../../node/cases/case-event.ts';
import { accepted, ALL_STAGES, codes, concluded, findingOf, notAccepted, ruleItem, run, stage } from './fixtures.ts';

const item = (stages: readonly Stage[] = ALL_STAGES) => ({ item: ruleItem({ stages }), limit: null });
const AT = '2026-03-31T12:00:00+08:00';
const acc = () => accepted('2026-03-02T09:00:00+08:00', { eventId: 'acc' });
const processCodes = (events: Parameters<typeof run>[0], stages: readonly Stage[] = ALL_STAGES) =>
  codes(run(events, AT, item(stages))).filter((c) => c.startsWith('PROCESS_'));

describe('supervision/rules process findings', () => {
  describe('PROCESS_ORDER', () => {
    it('finds nothing when every stage comes in order before the decision', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'review'),
        stage('2026-03-05T09:00:00+08:00', 'approve'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
      ];
      expect(processCodes(events)).to.deep.equal([]);
    });

    it('finds a review before any undertaking', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'review', 'st-review'),
        stage('2026-03-04T09:00:00+08:00', 'undertake'),
        stage('2026-03-05T09:00:00+08:00', 'approve', 'st-approve'),
      ];
      expect(findingOf(run(events, AT, item()), 'PROCESS_ORDER')).to.deep.equal({
        rule: 'PROCESS_ORDER',
        ruleVersion: 1,
        foundAt: '2026-03-03T09:00:00+08:00',
        message: '办件 CASE-0001 未经「承办」环节即进入「审核」环节',
        details: { eventId: 'st-review', stage: 'review', missingBefore: 'undertake' },
      });
    });

    it('finds an approval straight after the undertaking (review skipped), at the first offence only', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'approve', 'st-approve'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
      ];
      const outcome = run(events, AT, item());
      expect(findingOf(outcome, 'PROCESS_ORDER')?.details).to.deep.equal({ eventId: 'st-approve', stage: 'approve', missingBefore: 'review' });
      expect(findingOf(outcome, 'PROCESS_ORDER')?.foundAt).to.equal('2026-03-04T09:00:00+08:00');
    });

    it('accepts a stage repeated after a return (undertake, review, undertake, review, approve)', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'review'),
        stage('2026-03-04T10:00:00+08:00', 'undertake'),
        stage('2026-03-05T09:00:00+08:00', 'review'),
        stage('2026-03-05T10:00:00+08:00', 'approve'),
        concluded('2026-03-05T11:00:00+08:00', 'denied'),
      ];
      expect(processCodes(events)).to.deep.equal([]);
    });

    it('finds an approval (准予) with no approve stage, and the missing stage too (both by definition)', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'review'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
      ];
      events[3]!.eventId = 'end';
      const outcome = run(events, AT, item());
      expect(findingOf(outcome, 'PROCESS_ORDER')).to.deep.equal({
        rule: 'PROCESS_ORDER',
        ruleVersion: 1,
        foundAt: '2026-03-05T10:00:00+08:00',
        message: '办件 CASE-0001 未经「批准」环节即作出准予许可决定',
        details: { eventId: 'end', result: 'approved', missingBefore: 'approve' },
      });
      expect(findingOf(outcome, 'PROCESS_MISSING_STAGE')?.details).to.deep.equal({ eventId: 'end', result: 'approved', missing: ['approve'] });
    });

    it('finds a denial (不予许可) before the approval stage', () => {
      const events = [acc(), stage('2026-03-03T09:00:00+08:00', 'undertake'), concluded('2026-03-04T10:00:00+08:00', 'denied')];
      expect(findingOf(run(events, AT, item()), 'PROCESS_ORDER')?.details).to.include({ result: 'denied', missingBefore: 'approve' });
    });

    it('does not need the approval for a conclusion that is not a decision (withdrawn, returned, transferred …)', () => {
      for (const result of ['withdrawn', 'returned', 'voided', 'transferred', 'supplementTimeout'] as const) {
        const events = [acc(), stage('2026-03-03T09:00:00+08:00', 'undertake'), concluded('2026-03-04T10:00:00+08:00', result)];
        expect(processCodes(events), result).to.deep.equal([]);
      }
    });

    it('lets the approval stage and the conclusion share an instant (stages fold first)', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'review'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
        stage('2026-03-05T10:00:00+08:00', 'approve'),
      ];
      expect(processCodes(events)).to.deep.equal([]);
    });

    it('ignores stage events before intake and after the conclusion', () => {
      const events = [
        stage('2026-03-01T09:00:00+08:00', 'approve'), // before intake: ignored by the fold
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'review'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
        stage('2026-03-06T09:00:00+08:00', 'approve'), // after the conclusion: ignored
      ];
      expect(processCodes(events)).to.deep.equal(['PROCESS_ORDER', 'PROCESS_MISSING_STAGE']);
    });

    it('ignores stages the item does not have', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'review'), // the item has no review stage
        stage('2026-03-04T09:00:00+08:00', 'undertake'),
        stage('2026-03-05T09:00:00+08:00', 'approve'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
      ];
      expect(processCodes(events, ['undertake', 'approve'])).to.deep.equal([]);
    });

    it('checks nothing for an item without stages, or an unknown item', () => {
      const events = [acc(), stage('2026-03-03T09:00:00+08:00', 'approve'), concluded('2026-03-04T10:00:00+08:00', 'approved')];
      expect(processCodes(events, [])).to.deep.equal([]);
      expect(codes(run(events, AT, { item: null, limit: null }))).to.deep.equal([]);
    });

    it('ignores events after `at`', () => {
      const events = [acc(), stage('2026-03-03T09:00:00+08:00', 'undertake'), stage('2026-03-04T09:00:00+08:00', 'approve')];
      expect(codes(run(events, '2026-03-03T23:00:00+08:00', item()))).to.deep.equal([]);
      expect(codes(run(events, '2026-03-04T09:00:00+08:00', item()))).to.deep.equal(['PROCESS_ORDER']);
    });
  });

  describe('PROCESS_MISSING_STAGE', () => {
    it('lists every stage missing at a decision, in the item’s order', () => {
      const end = concluded('2026-03-04T10:00:00+08:00', 'denied');
      const outcome = run([acc(), stage('2026-03-03T09:00:00+08:00', 'review'), end], AT, item());
      expect(findingOf(outcome, 'PROCESS_MISSING_STAGE')).to.deep.equal({
        rule: 'PROCESS_MISSING_STAGE',
        ruleVersion: 1,
        foundAt: '2026-03-04T10:00:00+08:00',
        message: '办件 CASE-0001 缺少「承办、批准」环节即作出不予许可决定',
        details: { eventId: end.eventId, result: 'denied', missing: ['undertake', 'approve'] },
      });
    });

    it('finds a missing middle stage (review) even when the order rule blames the approval', () => {
      const events = [
        acc(),
        stage('2026-03-03T09:00:00+08:00', 'undertake'),
        stage('2026-03-04T09:00:00+08:00', 'approve'),
        concluded('2026-03-05T10:00:00+08:00', 'approved'),
      ];
      expect(findingOf(run(events, AT, item()), 'PROCESS_MISSING_STAGE')?.details).to.deep.include({ missing: ['review'] });
    });

    it('is not found for an open case, nor for a non-decision conclusion', () => {
      expect(processCodes([acc()])).to.deep.equal([]);
      expect(processCodes([acc(), concluded('2026-03-04T10:00:00+08:00', 'withdrawn')])).to.deep.equal([]);
    });

    it('is not found for a refused case (不予受理 is not a decision on the merits)', () => {
      const refused = [notAccepted('2026-03-02T09:00:00+08:00'), stage('2026-03-03T09:00:00+08:00', 'approve')];
      expect(processCodes(refused)).to.deep.equal([]);
    });
  });
});

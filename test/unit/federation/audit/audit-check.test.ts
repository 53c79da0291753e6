/**
 * The auditor's check of audit answers (federation/audit/audit-check.ts) over an in-memory log:
 * proofs against the witnessed root, the reasons a case is not compared, and the field-by-field
 * comparison with the recomputation.
 */
import { expect } from 'chai';
import {
  checkAuditPage, compareAlerts, emptyFindings, MAX_LISTED_FINDINGS, type AuditRecompute, type Witnessed,
} from '../../../../federation/audit/audit-check.ts';
import type { AuditHost, AuditResponsePayload, AuditedCase, ReportedAlert, VerdictRecord } from '../../../../federation/audit/audit-types.ts';
import { eventLeafHash } from '../../../../federation/log/event-leaf.ts';
import { inclusionProof, rootOf } from '../../../../federation/log/merkle.ts';

const AT = '2026-03-10T04:00:00.000Z';
const LOG = [
  { eventId: 'e1', caseNo: 'C1', type: 'accepted', occurredAt: '2026-03-02T09:00:00+08:00', itemCode: 'I1', departmentCode: 'D1' },
  { eventId: 'e2', caseNo: 'C2', type: 'accepted', occurredAt: '2026-03-02T10:00:00+08:00', itemCode: 'I1', departmentCode: 'D1' },
  { eventId: 'e3', caseNo: 'C1', type: 'concluded', occurredAt: '2026-03-05T09:00:00+08:00', result: 'approved' },
  { eventId: 'e4', caseNo: 'C3', type: 'accepted', occurredAt: '2026-03-03T10:00:00+08:00', itemCode: 'I1', departmentCode: 'D1' },
  { eventId: 'e5', caseNo: 'C3', type: 'concluded', occurredAt: '2026-03-09T10:00:00+08:00', result: 'approved' },
];
const HASHES = LOG.map(eventLeafHash);
const WITNESSED: Witnessed = { treeSize: 4, rootHash: rootOf(HASHES.slice(0, 4)).toString('hex') };

const proven = (leafIndex: number, size = WITNESSED.treeSize) => ({
  leafIndex, event: structuredClone(LOG[leafIndex]!) as Record<string, unknown>, receivedAt: LOG[leafIndex]!.occurredAt,
  proof: inclusionProof(HASHES, leafIndex, size).map((hash) => hash.toString('hex')),
});

/** A recomputation that reads the status off the events. */
const recomputeVerdict: AuditHost['recompute'] = (caseNo, events) => ({ caseNo, status: events.some((e) => e.type === 'concluded') ? 'concluded' : 'open', deadline: null, cards: [] });
/** The recomputations with `verdict` for the verdict and no findings. */
const host = (verdict: AuditHost['recompute'] = recomputeVerdict, findings: AuditHost['recomputeFindings'] = () => []): AuditRecompute => ({ recompute: verdict, recomputeFindings: findings });
const recompute = host();
const verdict = (status: string, extra: VerdictRecord = {}): VerdictRecord => ({ status, deadline: null, cards: [], ...extra });

function page(cases: AuditedCase[], extra: Partial<AuditResponsePayload> = {}): AuditResponsePayload {
  return { node: '610203', auditor: '610200', request: '0'.repeat(64), treeSize: 4, rootHash: WITNESSED.rootHash, at: AT, cases, items: [], nextAfter: null, time: AT, ...extra };
}

describe('federation/audit: checking an audit answer', () => {
  it('verifies every event against the witnessed root and finds nothing when the report matches', () => {
    const findings = emptyFindings();
    checkAuditPage(findings, page([
      { caseNo: 'C1', events: [proven(0), proven(2)], unwitnessedEvents: 0, reported: verdict('concluded'), alerts: [] },
      { caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
    ]), WITNESSED, recompute);
    expect(findings.counts).to.deep.equal({
      pages: 1, cases: 2, events: 3, proofsVerified: 3, proofsFailed: 0, casesCompared: 2, casesSkipped: 0,
      casesWithDiscrepancies: 0, discrepancies: 0, findings: 0, liveAlerts: 0, alertDiscrepancies: 0, truncated: false,
    });
    expect(findings.proofFailures).to.deep.equal([]);
  });

  it('lists each field that differs, with both values, and a case the node does not report', () => {
    const findings = emptyFindings();
    checkAuditPage(findings, page([
      { caseNo: 'C1', events: [proven(0), proven(2)], unwitnessedEvents: 0, reported: verdict('open', { deadline: '2026-03-11', cards: [{ color: 'yellow' }] }), alerts: [] },
      { caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: null, alerts: [] },
    ]), WITNESSED, host((caseNo, events) => ({ ...recomputeVerdict(caseNo, events, null, new Date(AT)), deadline: '2026-03-09', cards: [] })));
    expect(findings.discrepancies).to.deep.equal([
      { caseNo: 'C1', field: 'status', reported: 'open', recomputed: 'concluded' },
      { caseNo: 'C1', field: 'deadline', reported: '2026-03-11', recomputed: '2026-03-09' },
      { caseNo: 'C1', field: 'cards', reported: [{ color: 'yellow' }], recomputed: [] },
      { caseNo: 'C2', field: 'case', reported: null, recomputed: 'open' },
    ]);
    expect(findings.counts).to.include({ casesCompared: 2, casesWithDiscrepancies: 2, discrepancies: 4 });
  });

  it('an altered event fails its proof, and its case is not compared', () => {
    const findings = emptyFindings();
    const altered = proven(2);
    altered.event.occurredAt = '2026-03-06T09:00:00+08:00';
    let recomputed = 0;
    checkAuditPage(findings, page([{ caseNo: 'C1', events: [proven(0), altered], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] }]), WITNESSED, host((caseNo, events) => {
      recomputed += 1;
      return recomputeVerdict(caseNo, events, null, new Date(AT));
    }));
    expect(findings.proofFailures).to.deep.equal([{ leafIndex: 2, caseNo: 'C1', eventId: 'e3', problem: 'INCLUSION_FAILED' }]);
    expect(findings.skipped).to.deep.equal([{ caseNo: 'C1', reason: 'proofFailed' }]);
    expect(recomputed).to.equal(0);
    expect(findings.counts).to.include({ proofsVerified: 1, proofsFailed: 1, casesCompared: 0, casesSkipped: 1 });
  });

  it('a root other than the witnessed one is a finding of its own; proofs are checked against the witnessed root only', () => {
    const findings = emptyFindings();
    const otherRoot = rootOf(HASHES.slice(0, 3)).toString('hex');
    checkAuditPage(findings, page([{ caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] }], { rootHash: otherRoot }), WITNESSED, recompute);
    // The event is really in the log, so its proof against the witnessed root holds.
    expect(findings.proofFailures).to.deep.equal([{ leafIndex: null, caseNo: null, eventId: null, problem: 'ROOT_MISMATCH' }]);
    const forged = emptyFindings();
    const proofForOtherSize = proven(1, 5);
    checkAuditPage(forged, page([{ caseNo: 'C2', events: [proofForOtherSize], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] }]), WITNESSED, recompute);
    expect(forged.proofFailures.map((failure) => failure.problem)).to.deep.equal(['INCLUSION_FAILED']);
  });

  it('refuses leaves past the witnessed size, leaves given twice, events of another case and cases given twice', () => {
    const findings = emptyFindings();
    const intruder = proven(1);
    checkAuditPage(findings, page([
      { caseNo: 'C3', events: [proven(3), { ...proven(3), leafIndex: 4 }], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
      { caseNo: 'C1', events: [proven(0), intruder], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
    ]), WITNESSED, recompute);
    checkAuditPage(findings, page([{ caseNo: 'C1', events: [proven(0)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] }]), WITNESSED, recompute);
    expect(findings.proofFailures.map(({ leafIndex, caseNo, problem }) => [leafIndex, caseNo, problem])).to.deep.equal([
      [4, 'C3', 'OUTSIDE_WITNESSED_TREE'],
      [1, 'C1', 'WRONG_CASE'],
      [null, 'C1', 'DUPLICATE_CASE'],
    ]);
    const again = emptyFindings();
    checkAuditPage(again, page([
      { caseNo: 'C1', events: [proven(0)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
      { caseNo: 'C9', events: [{ ...proven(0), event: { ...LOG[0]!, caseNo: 'C9' } }], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
    ]), WITNESSED, recompute);
    expect(again.proofFailures.map((failure) => failure.problem)).to.deep.equal(['DUPLICATE_LEAF']);
  });

  it('skips, naming why, cases with events outside the checkpoint or after the instant, or that cannot be recomputed', () => {
    const findings = emptyFindings();
    checkAuditPage(findings, page([
      { caseNo: 'C1', events: [proven(0), proven(2)], unwitnessedEvents: 2, reported: verdict('concluded'), alerts: [] },
      { caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] },
      { caseNo: 'C4', events: [], unwitnessedEvents: 1, reported: null, alerts: [] },
    ]), WITNESSED, host(() => {
      throw new RangeError('bad occurredAt');
    }));
    expect(findings.skipped).to.deep.equal([
      { caseNo: 'C1', reason: 'unwitnessedEvents', detail: '2 event(s) after the witnessed checkpoint' },
      { caseNo: 'C2', reason: 'recomputeFailed', detail: 'bad occurredAt' },
      { caseNo: 'C4', reason: 'noEvents' },
    ]);
    expect(findings.counts).to.include({ casesCompared: 0, casesSkipped: 3 });
  });

  it('skips a case with a witnessed event that occurred after the audit instant', () => {
    const tree = [LOG[0]!, { ...LOG[1]!, occurredAt: '2026-03-11T10:00:00+08:00' }];
    const hashes = tree.map(eventLeafHash);
    const witnessed = { treeSize: 2, rootHash: rootOf(hashes).toString('hex') };
    const findings = emptyFindings();
    checkAuditPage(findings, page([{
      caseNo: 'C2', unwitnessedEvents: 0, reported: verdict('open'), alerts: [],
      events: [{ leafIndex: 1, event: tree[1]!, receivedAt: tree[1]!.occurredAt, proof: inclusionProof(hashes, 1, 2).map((hash) => hash.toString('hex')) }],
    }], { treeSize: 2, rootHash: witnessed.rootHash }), witnessed, recompute);
    expect(findings.skipped).to.deep.equal([{ caseNo: 'C2', reason: 'eventsAfterAt' }]);
    expect(findings.counts.proofsVerified).to.equal(1);
  });

  it('keeps counting past the listed findings', () => {
    const findings = emptyFindings();
    const cases: AuditedCase[] = Array.from({ length: MAX_LISTED_FINDINGS + 5 }, (_, i) => ({ caseNo: `N${i}`, events: [], unwitnessedEvents: 0, reported: null, alerts: [] }));
    checkAuditPage(findings, page(cases), WITNESSED, recompute);
    expect(findings.skipped).to.have.length(MAX_LISTED_FINDINGS);
    expect(findings.counts).to.include({ casesSkipped: MAX_LISTED_FINDINGS + 5, truncated: true });
  });

  describe('alerts against the recomputed findings', () => {
    const alert = (rule: string, status = 'open', extra: Partial<ReportedAlert> = {}): ReportedAlert => ({
      rule, ruleVersion: 1, status, foundAt: '2026-03-05T16:00:00.000Z', noticeNo: null, revokedBy: status === 'revoked' ? 'system' : null, ...extra,
    });
    const finding = (rule: string) => ({ rule, ruleVersion: 1, foundAt: '2026-03-05T16:00:00.000Z' });

    it('needs a live alert for each finding and a finding for each live alert; revoked alerts stand for nothing', () => {
      expect(compareAlerts('C1', [alert('TIME_RED_LIGHT'), alert('YELLOW_CARD', 'notified', { noticeNo: 'N-1' })], [finding('TIME_RED_LIGHT'), finding('YELLOW_CARD')])).to.deep.equal([]);
      // Workflow states other than revoked are all live: accepted and rejected alerts stay answered for.
      expect(compareAlerts('C1', [alert('TIME_RED_LIGHT', 'accepted'), alert('YELLOW_CARD', 'escalated')], [finding('TIME_RED_LIGHT'), finding('YELLOW_CARD')])).to.deep.equal([]);
      expect(compareAlerts('C1', [alert('RED_CARD', 'revoked'), alert('FEE_ON_FREE_ITEM')], [finding('TIME_RED_LIGHT'), finding('RED_CARD')])).to.deep.equal([
        { caseNo: 'C1', field: 'alert', problem: 'ALERT_MISSING', rule: 'TIME_RED_LIGHT', reported: null, recomputed: finding('TIME_RED_LIGHT') },
        { caseNo: 'C1', field: 'alert', problem: 'ALERT_MISSING', rule: 'RED_CARD', reported: alert('RED_CARD', 'revoked'), recomputed: finding('RED_CARD') },
        { caseNo: 'C1', field: 'alert', problem: 'ALERT_UNFOUNDED', rule: 'FEE_ON_FREE_ITEM', reported: alert('FEE_ON_FREE_ITEM'), recomputed: null },
      ]);
      // A revoked alert without a finding is as it should be.
      expect(compareAlerts('C1', [alert('TIME_RED_LIGHT', 'revoked')], [])).to.deep.equal([]);
      // One a supervisor revoked on appeal answers for its finding: a recorded decision, not a missing alert.
      expect(compareAlerts('C1', [alert('TIME_RED_LIGHT', 'revoked', { revokedBy: 'person' })], [finding('TIME_RED_LIGHT')])).to.deep.equal([]);
    });

    it('recomputes the findings with the declared item of the proven intake and the recomputed limit, and counts them', () => {
      const seen: unknown[] = [];
      const findings = emptyFindings();
      const item = { itemCode: 'I1', departmentCode: 'D1', fees: [], stages: ['undertake'] };
      const limited = { itemCode: 'I1', limitDays: 3, limitUnit: 'workday' };
      checkAuditPage(findings, page([
        { caseNo: 'C1', events: [proven(0), proven(2)], unwitnessedEvents: 0, reported: verdict('concluded', limited), alerts: [alert('PROCESS_MISSING_STAGE'), alert('LATE_REPORT', 'revoked')] },
        { caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: verdict('open', limited), alerts: [alert('TIME_RED_LIGHT')] },
      ], { items: [item, { ...item, itemCode: 'I9' }] }), WITNESSED, host(
        (caseNo, events) => ({ ...recomputeVerdict(caseNo, events, null, new Date(AT)), ...limited }),
        (caseNo, events, declared, limit, at) => {
          seen.push({ caseNo, received: events.map((e) => e.receivedAt), declared, limit, at: at.toISOString() });
          return caseNo === 'C1' ? [finding('PROCESS_MISSING_STAGE'), finding('LATE_REPORT')] : [];
        },
      ));
      expect(seen).to.deep.equal([
        { caseNo: 'C1', received: [LOG[0]!.occurredAt, LOG[2]!.occurredAt], declared: item, limit: { limitDays: 3, limitUnit: 'workday' }, at: AT },
        { caseNo: 'C2', received: [LOG[1]!.occurredAt], declared: item, limit: { limitDays: 3, limitUnit: 'workday' }, at: AT },
      ]);
      expect(findings.discrepancies.map((d) => [d.caseNo, d.problem, d.rule])).to.deep.equal([
        ['C1', 'ALERT_MISSING', 'LATE_REPORT'],
        ['C2', 'ALERT_UNFOUNDED', 'TIME_RED_LIGHT'],
      ]);
      expect(findings.counts).to.include({ casesCompared: 2, casesWithDiscrepancies: 2, discrepancies: 2, findings: 2, liveAlerts: 2, alertDiscrepancies: 2 });
    });

    it('skips a case whose findings cannot be recomputed', () => {
      const findings = emptyFindings();
      checkAuditPage(findings, page([{ caseNo: 'C2', events: [proven(1)], unwitnessedEvents: 0, reported: verdict('open'), alerts: [] }]), WITNESSED, host(recomputeVerdict, () => {
        throw new RangeError('bad receivedAt');
      }));
      expect(findings.skipped).to.deep.equal([{ caseNo: 'C2', reason: 'recomputeFailed', detail: 'bad receivedAt' }]);
      expect(findings.counts).to.include({ casesCompared: 0, casesSkipped: 1 });
    });
  });
});

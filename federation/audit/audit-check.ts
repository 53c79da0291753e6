/**
 * The auditor's check of one verified audit answer (federation/PROTOCOL.md, "Re-supervision"):
 * every event must be a leaf of the tree the auditor witnessed, and every case whose events all
 * prove is recomputed with the auditor's own rules and compared, field by field, with what the
 * audited node reported; the supervision rules' findings are compared with the node's alerts.
 * Pure apart from the host's `recompute` and `recomputeFindings`; findings accumulate across pages.
 */
import { canonicalJson } from '../keys/signed-message.ts';
import { eventLeafHash } from '../log/event-leaf.ts';
import { verifyInclusion } from '../log/merkle.ts';
import type {
  AuditHost, AuditResponsePayload, AuditedCase, DeclaredItem, RecomputedFinding, ReportedAlert, ReportedLimit, VerdictRecord,
} from './audit-types.ts';

/** The verdict fields compared, in the order findings list them. */
export const COMPARED_FIELDS = [
  'status', 'stage', 'itemCode', 'departmentCode', 'acceptedAt', 'limitDays', 'limitUnit', 'deadline',
  'remainingDays', 'overdueDays', 'light', 'cards', 'concludedAt', 'result', 'onTime', 'early',
] as const;

/** Why an event (or the whole answer) could not be shown to be what the auditor witnessed. */
export type ProofProblem =
  /** The answer's root at treeSize is not the root the auditor witnessed: the log was rewritten. */
  | 'ROOT_MISMATCH'
  /** The event's leaf hash does not verify with its inclusion proof: the event or proof was altered. */
  | 'INCLUSION_FAILED'
  /** A leaf index at or past the witnessed size. */
  | 'OUTSIDE_WITNESSED_TREE'
  /** The same leaf given twice. */
  | 'DUPLICATE_LEAF'
  /** An event filed under another case. */
  | 'WRONG_CASE'
  /** An event with no canonical JSON form. */
  | 'MALFORMED_EVENT'
  /** A case given twice. */
  | 'DUPLICATE_CASE';

export interface ProofFailure {
  leafIndex: number | null;
  caseNo: string | null;
  eventId: string | null;
  problem: ProofProblem;
}

/** Whether an alert is in force: anything but revoked (accepted and rejected alerts stay on record). */
export const isLiveAlert = (alert: ReportedAlert): boolean => alert.status !== 'revoked';

/**
 * Whether an alert answers for a finding of its rule: a live one, or one a supervisor revoked on
 * appeal (a recorded decision on the finding); not one the node's own recomputation revoked.
 */
export const answersFinding = (alert: ReportedAlert): boolean => isLiveAlert(alert) || alert.revokedBy === 'person';

/**
 * A difference between the audited node's report and the recomputation: a verdict field
 * (`field` names it), or, with `field: 'alert'`, an alert:
 * - ALERT_MISSING: the rules find `rule` and the node holds no alert for it that answers for it
 *   (none, or one its recomputation revoked); `reported` is that revoked alert or null,
 *   `recomputed` the finding;
 * - ALERT_UNFOUNDED: the node holds a live alert for `rule` that the rules do not find;
 *   `reported` is the alert, `recomputed` null.
 */
export interface Discrepancy {
  caseNo: string;
  field: string;
  problem?: 'ALERT_MISSING' | 'ALERT_UNFOUNDED';
  rule?: string;
  reported: unknown;
  recomputed: unknown;
}

/** A case not compared, and why (its findings are its proof failures, or it waits for the next checkpoint). */
export interface SkippedCase {
  caseNo: string;
  reason: 'proofFailed' | 'unwitnessedEvents' | 'eventsAfterAt' | 'noEvents' | 'recomputeFailed';
  detail?: string;
}

export interface AuditCounts {
  pages: number;
  cases: number;
  events: number;
  proofsVerified: number;
  proofsFailed: number;
  casesCompared: number;
  casesSkipped: number;
  casesWithDiscrepancies: number;
  /** Every discrepancy, verdict fields and alerts alike. */
  discrepancies: number;
  /** Findings the rules made on the compared cases. */
  findings: number;
  /** Live (non-revoked) alerts the node reported for the compared cases. */
  liveAlerts: number;
  /** Of `discrepancies`, those about alerts (ALERT_MISSING, ALERT_UNFOUNDED). */
  alertDiscrepancies: number;
  /** True when a list of findings was cut at MAX_LISTED_FINDINGS (the counts stay exact). */
  truncated: boolean;
}

/** Findings kept per list; counts go on past it. */
export const MAX_LISTED_FINDINGS = 10000;

/** The running result of an audit, page after page. */
export interface AuditFindings {
  counts: AuditCounts;
  discrepancies: Discrepancy[];
  proofFailures: ProofFailure[];
  skipped: SkippedCase[];
  /** Leaf indexes and case numbers seen so far (a repeat across pages is a finding too). */
  seenLeaves: Set<number>;
  seenCases: Set<string>;
}

export function emptyFindings(): AuditFindings {
  return {
    counts: {
      pages: 0, cases: 0, events: 0, proofsVerified: 0, proofsFailed: 0, casesCompared: 0, casesSkipped: 0,
      casesWithDiscrepancies: 0, discrepancies: 0, findings: 0, liveAlerts: 0, alertDiscrepancies: 0, truncated: false,
    },
    discrepancies: [], proofFailures: [], skipped: [], seenLeaves: new Set(), seenCases: new Set(),
  };
}

/** What the auditor witnessed of the audited node's log. */
export interface Witnessed {
  treeSize: number;
  rootHash: string;
}

function keep<T>(findings: AuditFindings, list: T[], item: T): void {
  if (list.length < MAX_LISTED_FINDINGS) list.push(item);
  else findings.counts.truncated = true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** The limit to recompute with: the reported one (the auditor has no catalog of the node's items). */
function reportedLimit(reported: VerdictRecord | null): ReportedLimit | null {
  if (reported === null || typeof reported.limitDays !== 'number' || typeof reported.limitUnit !== 'string') return null;
  return { limitDays: reported.limitDays, limitUnit: reported.limitUnit };
}

/** The recomputations the check runs: the verdict, and the supervision rules' findings. */
export type AuditRecompute = Pick<AuditHost, 'recompute' | 'recomputeFindings'>;

/** The limit the recomputed verdict ran against, for the rules (null when the case never started). */
function verdictLimit(verdict: VerdictRecord): ReportedLimit | null {
  if (typeof verdict.limitDays !== 'number' || typeof verdict.limitUnit !== 'string') return null;
  return { limitDays: verdict.limitDays, limitUnit: verdict.limitUnit };
}

/** Adds the findings of one page, already verified as signed by the audited node for this request. */
export function checkAuditPage(findings: AuditFindings, page: AuditResponsePayload, witnessed: Witnessed, host: AuditRecompute): void {
  const counts = findings.counts;
  counts.pages += 1;
  const root = Buffer.from(witnessed.rootHash, 'hex');
  if (page.rootHash !== witnessed.rootHash && !findings.proofFailures.some((failure) => failure.problem === 'ROOT_MISMATCH')) {
    keep(findings, findings.proofFailures, { leafIndex: null, caseNo: null, eventId: null, problem: 'ROOT_MISMATCH' });
  }
  const at = new Date(page.at);
  const items = new Map<string, DeclaredItem>(page.items.map((item) => [item.itemCode, item]));

  for (const audited of page.cases) {
    const caseNo = audited.caseNo;
    counts.cases += 1;
    const skip = (reason: SkippedCase['reason'], detail?: string): void => {
      counts.casesSkipped += 1;
      keep(findings, findings.skipped, detail === undefined ? { caseNo, reason } : { caseNo, reason, detail });
    };
    const fail = (leafIndex: number | null, eventId: string | null, problem: ProofProblem): void => {
      counts.proofsFailed += 1;
      keep(findings, findings.proofFailures, { leafIndex, caseNo, eventId, problem });
    };
    if (findings.seenCases.has(caseNo)) {
      fail(null, null, 'DUPLICATE_CASE');
      continue;
    }
    findings.seenCases.add(caseNo);

    let proven = true;
    for (const { leafIndex, event, proof } of audited.events) {
      counts.events += 1;
      const eventId = typeof event.eventId === 'string' ? event.eventId : null;
      let problem: ProofProblem | null = null;
      if (leafIndex >= witnessed.treeSize) problem = 'OUTSIDE_WITNESSED_TREE';
      else if (findings.seenLeaves.has(leafIndex)) problem = 'DUPLICATE_LEAF';
      else if (event.caseNo !== caseNo) problem = 'WRONG_CASE';
      else {
        let leaf: Buffer | null = null;
        try {
          leaf = eventLeafHash(event);
        } catch {
          problem = 'MALFORMED_EVENT';
        }
        if (leaf !== null && !verifyInclusion(leaf, leafIndex, witnessed.treeSize, proof.map((hex) => Buffer.from(hex, 'hex')), root)) problem = 'INCLUSION_FAILED';
      }
      findings.seenLeaves.add(leafIndex);
      if (problem === null) counts.proofsVerified += 1;
      else {
        fail(leafIndex, eventId, problem);
        proven = false;
      }
    }

    // Only proven events are recomputed; anything else would compare against what nobody witnessed.
    if (!proven) skip('proofFailed');
    else if (audited.events.length === 0) skip('noEvents');
    else if (audited.unwitnessedEvents > 0) skip('unwitnessedEvents', `${audited.unwitnessedEvents} event(s) after the witnessed checkpoint`);
    else if (audited.events.some(({ event }) => typeof event.occurredAt === 'string' && Date.parse(event.occurredAt) > at.getTime())) skip('eventsAfterAt');
    else compareCase(findings, audited, items, at, host, skip);
  }
}

function compareCase(
  findings: AuditFindings, audited: AuditedCase, items: ReadonlyMap<string, DeclaredItem>, at: Date, host: AuditRecompute,
  skip: (reason: SkippedCase['reason'], detail?: string) => void,
): void {
  const { caseNo, reported } = audited;
  let recomputed: VerdictRecord;
  let found: RecomputedFinding[];
  try {
    recomputed = host.recompute(caseNo, audited.events.map(({ event }) => event), reportedLimit(reported), at);
    // The rules run against the limit the recomputed verdict runs against, and the item the proven
    // intake names, as the audited node declares it in its catalog.
    const item = typeof recomputed.itemCode === 'string' ? items.get(recomputed.itemCode) ?? null : null;
    found = host.recomputeFindings(caseNo, audited.events.map(({ event, receivedAt }) => ({ event, receivedAt })), item, verdictLimit(recomputed), at);
  } catch (error) {
    skip('recomputeFailed', (error as Error).message.slice(0, 300));
    return;
  }
  const counts = findings.counts;
  counts.casesCompared += 1;
  const differences: Discrepancy[] = [];
  if (reported === null) {
    differences.push({ caseNo, field: 'case', reported: null, recomputed: recomputed.status ?? null });
  } else {
    for (const field of COMPARED_FIELDS) {
      if (!sameValue(reported[field], recomputed[field])) differences.push({ caseNo, field, reported: reported[field] ?? null, recomputed: recomputed[field] ?? null });
    }
  }
  const alertDifferences = compareAlerts(caseNo, audited.alerts, found);
  counts.findings += found.length;
  counts.liveAlerts += audited.alerts.filter(isLiveAlert).length;
  counts.alertDiscrepancies += alertDifferences.length;
  differences.push(...alertDifferences);
  if (differences.length === 0) return;
  counts.casesWithDiscrepancies += 1;
  counts.discrepancies += differences.length;
  for (const discrepancy of differences) keep(findings, findings.discrepancies, discrepancy);
}

const alertView = (alert: ReportedAlert): ReportedAlert => ({
  rule: alert.rule, ruleVersion: alert.ruleVersion, status: alert.status, foundAt: alert.foundAt, noticeNo: alert.noticeNo, revokedBy: alert.revokedBy,
});

/**
 * The node's alerts against the recomputed findings, rule by rule (in the findings' rule order,
 * then the unfounded alerts by rule): a finding needs an alert that answers for it (live, or
 * revoked on appeal), a live alert needs a finding. The alert's version, instant and workflow
 * state are reported, not compared: an alert keeps the foundAt it was raised with when a later
 * change moves the finding without removing it, and its workflow is the node's own business.
 */
export function compareAlerts(caseNo: string, alerts: readonly ReportedAlert[], found: readonly RecomputedFinding[]): Discrepancy[] {
  const byRule = new Map<string, ReportedAlert>();
  for (const alert of alerts) {
    const held = byRule.get(alert.rule);
    // One alert per case and rule; should a node report two, one that answers for the rule wins.
    if (!held || (!answersFinding(held) && answersFinding(alert))) byRule.set(alert.rule, alert);
  }
  const differences: Discrepancy[] = [];
  const findingRules = new Set<string>();
  for (const finding of found) {
    findingRules.add(finding.rule);
    const alert = byRule.get(finding.rule);
    if (!alert || !answersFinding(alert)) {
      differences.push({
        caseNo, field: 'alert', problem: 'ALERT_MISSING', rule: finding.rule, reported: alert ? alertView(alert) : null,
        recomputed: { rule: finding.rule, ruleVersion: finding.ruleVersion, foundAt: finding.foundAt },
      });
    }
  }
  const unfounded = alerts
    .filter((alert) => isLiveAlert(alert) && !findingRules.has(alert.rule))
    .sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  for (const alert of unfounded) {
    differences.push({ caseNo, field: 'alert', problem: 'ALERT_UNFOUNDED', rule: alert.rule, reported: alertView(alert), recomputed: null });
  }
  return differences;
}

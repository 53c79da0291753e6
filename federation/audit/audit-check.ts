/**
 * The auditor's check of one verified audit answer (federation/PROTOCOL.md, "Re-supervision"):
 * every event must be a leaf of the tree the auditor witnessed, and every case whose events all
 * prove is recomputed with the auditor's own rules and compared, field by field, with what the
 * audited node reported. Pure apart from the host's `recompute`; findings accumulate across pages.
 */
import { canonicalJson } from '../keys/signed-message.ts';
import { eventLeafHash } from '../log/event-leaf.ts';
import { verifyInclusion } from '../log/merkle.ts';
import type { AuditHost, AuditResponsePayload, ReportedLimit, VerdictRecord } from './audit-types.ts';

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

/** A verdict field on which the audited node's report and the recomputation differ. */
export interface Discrepancy {
  caseNo: string;
  field: string;
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
  discrepancies: number;
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
      casesWithDiscrepancies: 0, discrepancies: 0, truncated: false,
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

/** Adds the findings of one page, already verified as signed by the audited node for this request. */
export function checkAuditPage(findings: AuditFindings, page: AuditResponsePayload, witnessed: Witnessed, recompute: AuditHost['recompute']): void {
  const counts = findings.counts;
  counts.pages += 1;
  const root = Buffer.from(witnessed.rootHash, 'hex');
  if (page.rootHash !== witnessed.rootHash && !findings.proofFailures.some((failure) => failure.problem === 'ROOT_MISMATCH')) {
    keep(findings, findings.proofFailures, { leafIndex: null, caseNo: null, eventId: null, problem: 'ROOT_MISMATCH' });
  }
  const at = new Date(page.at);

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
    else compareCase(findings, caseNo, audited.events.map(({ event }) => event), audited.reported, at, recompute, skip);
  }
}

function compareCase(
  findings: AuditFindings, caseNo: string, events: Record<string, unknown>[], reported: VerdictRecord | null, at: Date,
  recompute: AuditHost['recompute'], skip: (reason: SkippedCase['reason'], detail?: string) => void,
): void {
  let recomputed: VerdictRecord;
  try {
    recomputed = recompute(caseNo, events, reportedLimit(reported), at);
  } catch (error) {
    skip('recomputeFailed', (error as Error).message.slice(0, 300));
    return;
  }
  const counts = findings.counts;
  counts.casesCompared += 1;
  const found: Discrepancy[] = [];
  if (reported === null) {
    found.push({ caseNo, field: 'case', reported: null, recomputed: recomputed.status ?? null });
  } else {
    for (const field of COMPARED_FIELDS) {
      if (!sameValue(reported[field], recomputed[field])) found.push({ caseNo, field, reported: reported[field] ?? null, recomputed: recomputed[field] ?? null });
    }
  }
  if (found.length === 0) return;
  counts.casesWithDiscrepancies += 1;
  counts.discrepancies += found.length;
  for (const discrepancy of found) keep(findings, findings.discrepancies, discrepancy);
}

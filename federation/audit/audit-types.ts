/**
 * Re-supervision (再监察) wire shapes and what federation needs of the node for it
 * (federation/PROTOCOL.md, "Re-supervision"; schemas in schemas/federation/audit-*.schema.json).
 */
import type { SqlRunner } from '../keys/key-store.ts';

/** Payload of a `sv-audit-request+jws`: the auditor asks `node` for a page of the cases in scope. */
export interface AuditRequestPayload {
  /** The node that signed this request (for a relayed one: the relaying parent). */
  auditor: string;
  /** The audited node. */
  node: string;
  /** Local dates (Asia/Shanghai) of occurredAt, inclusive. */
  from: string;
  to: string;
  departmentCode: string | null;
  /** Size of the audited node's log at a checkpoint the requester witnessed; every proof is against it. */
  treeSize: number;
  /** The instant the verdicts are compared at. */
  at: string;
  /** Keyset page: cases with caseNo > after, at most `limit` of them. */
  after: string | null;
  limit: number;
  /** Random, single use: the answering node refuses a nonce it has seen. */
  nonce: string;
  /** When it was signed: the answering node refuses a request far from its own clock. */
  time: string;
  /** Set by a parent relaying its own parent's request to a child: that request, verbatim. */
  relayedFor?: string;
}

/** One event of the audited log with its place in it. */
export interface AuditedEvent {
  leafIndex: number;
  /** The event exactly as stored (the leaf data is its RFC 8785 canonical JSON). */
  event: Record<string, unknown>;
  /** Inclusion proof of the leaf in the tree of `treeSize` leaves, hex. */
  proof: string[];
}

/** A verdict as the wire carries it (fields of GET /api/v1/cases/{caseNo}, without events). */
export type VerdictRecord = Record<string, unknown>;

/** One case of an audit answer. */
export interface AuditedCase {
  caseNo: string;
  /** Every event of the case inside the witnessed tree, by leaf index. */
  events: AuditedEvent[];
  /** Events of the case the node holds outside the witnessed tree (received since): not provable yet. */
  unwitnessedEvents: number;
  /** What the node reports for the case at `at` from its cached case state; null when it has none. */
  reported: VerdictRecord | null;
}

/** Payload of a `sv-audit-response+jws`, signed by the audited node. */
export interface AuditResponsePayload {
  node: string;
  /** The auditor the answer is for (for a relayed request: the original auditor). */
  auditor: string;
  /** Hex SHA-256 of the auditor's own request JWS: binds the answer to that request. */
  request: string;
  treeSize: number;
  /** The audited node's own root at treeSize, hex: must equal the one the auditor witnessed. */
  rootHash: string;
  at: string;
  cases: AuditedCase[];
  /** The `after` of the next page; null on the last page. */
  nextAfter: string | null;
  time: string;
}

/** The selection of one page, as the audited node reads it. */
export interface AuditScope {
  from: string;
  to: string;
  departmentCode: string | null;
  treeSize: number;
  after: string | null;
  limit: number;
}

/** A case in scope with its witnessed events (leafIndex < treeSize) in leaf order. */
export interface ScopedCase {
  caseNo: string;
  events: { leafIndex: number; event: Record<string, unknown> }[];
  unwitnessedEvents: number;
}

/** The limit a recomputation runs against when the events carry none (see PROTOCOL.md). */
export interface ReportedLimit {
  limitDays: number;
  limitUnit: string;
}

/**
 * What re-supervision needs of the node, passed in at wiring time: on the audited side, the cases
 * in scope and what it reports for them; on the auditing side, the shared rules to recompute with.
 */
export interface AuditHost {
  /**
   * The audited side: cases with a witnessed event whose occurredAt local date is in [from, to]
   * (with `departmentCode`: only cases whose witnessed intake event names it), caseNo > after,
   * the first `limit` by caseNo, each with all its witnessed events; `nextAfter` when more follow.
   */
  casesForAudit(sql: SqlRunner, scope: AuditScope): Promise<{ cases: ScopedCase[]; nextAfter: string | null }>;
  /** The audited side: each case's verdict at `at` from the node's cached case state (absent: no such case). */
  reportedVerdicts(sql: SqlRunner, caseNos: readonly string[], at: Date): Promise<Map<string, VerdictRecord>>;
  /**
   * The auditing side: the verdict at `at` from the events alone under this node's calendar and
   * policy; `limit` stands in for the item's committed limit, which the auditor's catalog lacks.
   * @throws for events the rules cannot read.
   */
  recompute(caseNo: string, events: readonly Record<string, unknown>[], limit: ReportedLimit | null, at: Date): VerdictRecord;
}

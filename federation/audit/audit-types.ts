/**
 * Re-supervision (再监察) wire shapes and what federation needs of the node for it
 * (federation/PROTOCOL.md, "Re-supervision"; schemas in schemas/federation/audit-*.schema.json).
 */
import type { SqlRunner } from '../sql-runner.ts';

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
  /**
   * When the node says it received the event (ISO 8601): not part of the leaf, so not proven;
   * declared like the reported verdict, and read only by the LATE_REPORT rule.
   */
  receivedAt: string;
  /** Inclusion proof of the leaf in the tree of `treeSize` leaves, hex. */
  proof: string[];
}

/** An alert (预警) the audited node holds for a case, as it reports it. */
export interface ReportedAlert {
  /** Rule code, e.g. 'RED_CARD'. */
  rule: string;
  ruleVersion: number;
  /** open, notified, explained, accepted, rejected, escalated, revoked or appealed. */
  status: string;
  /** When the irregularity arose (the finding's instant), ISO 8601. */
  foundAt: string;
  /** 督办单编号, or null when the alert has no notice. */
  noticeNo: string | null;
  /**
   * Who revoked a revoked alert: 'system' when the node's recomputation no longer found it (it
   * comes back with the finding), 'person' when a supervisor revoked it on appeal; else null.
   */
  revokedBy: 'system' | 'person' | null;
}

/** What the supervision rules find on a case, as the auditor recomputes it. */
export interface RecomputedFinding {
  rule: string;
  ruleVersion: number;
  foundAt: string;
}

/**
 * What the supervision rules read of an item (政务服务事项), as the audited node declares its
 * catalog: the fee standards (empty: a free item) and the stages a case must pass, in order.
 */
export interface DeclaredItem {
  itemCode: string;
  departmentCode: string;
  fees: { code: string; name: string; amountFen: number }[];
  stages: string[];
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
  /** The case's alerts the node holds whose foundAt <= at (revoked ones too), by rule. */
  alerts: ReportedAlert[];
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
  /** The node's catalog entries of the items the page's cases name, by itemCode (declared, not proven). */
  items: DeclaredItem[];
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
  events: { leafIndex: number; event: Record<string, unknown>; receivedAt: string }[];
  unwitnessedEvents: number;
}

/** The limit a recomputation runs against when the events carry none (see PROTOCOL.md). */
export interface ReportedLimit {
  limitDays: number;
  limitUnit: string;
}

/** An event with the instant the audited node says it received it, as the supervision rules read it. */
export interface ReceivedAuditEvent {
  event: Record<string, unknown>;
  receivedAt: string;
}

/**
 * What re-supervision needs of the node, passed in at wiring time: on the audited side, the cases
 * in scope and what it reports for them (verdicts, alerts, the catalog the rules read); on the
 * auditing side, the shared rules to recompute with.
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
   * The audited side, before the snapshot the answer is read in: brings the node's alerts of the
   * page's cases (the same selection as `casesForAudit`) up to `at` by sweeping just those cases at
   * `at`, so that what it reports is what its rules find at the instant compared, not what its
   * last scheduled sweep found.
   */
  refreshAlerts(sql: SqlRunner, scope: AuditScope, at: Date): Promise<void>;
  /** The audited side: each case's alerts with foundAt <= at, whatever their status (absent: none). */
  reportedAlerts(sql: SqlRunner, caseNos: readonly string[], at: Date): Promise<Map<string, ReportedAlert[]>>;
  /** The audited side: the node's catalog entries of the items the cases name (intake events and cached rows). */
  declaredItems(sql: SqlRunner, caseNos: readonly string[]): Promise<DeclaredItem[]>;
  /**
   * The auditing side: the verdict at `at` from the events alone under this node's calendar and
   * policy; `limit` stands in for the item's committed limit, which the auditor's catalog lacks.
   * @throws for events the rules cannot read.
   */
  recompute(caseNo: string, events: readonly Record<string, unknown>[], limit: ReportedLimit | null, at: Date): VerdictRecord;
  /**
   * The auditing side: what the supervision rules find at `at` from the events (with the declared
   * receipt instants), the declared item (null: unknown, so the catalog rules find nothing) and the
   * limit the recomputed verdict runs against, under this node's calendar and policy.
   * @throws for events, receipt instants or an item the rules cannot read.
   */
  recomputeFindings(caseNo: string, events: readonly ReceivedAuditEvent[], item: DeclaredItem | null, limit: ReportedLimit | null, at: Date): RecomputedFinding[];
}

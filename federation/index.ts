/**
 * What `node/` may use of the federation: the one door between them (a unit test refuses any other
 * `federation/` path imported under `node/`). Federation itself imports nothing from `node/`; the
 * node hands it small ports (`SqlRunner`, `SummarySource`, `BatchApplier`, `UnloggedEvents`,
 * `AuditHost`, `PolicyHost`) at wiring time. Exports are named one by one, so growing this surface
 * is a visible decision.
 */

// The database port: how every federation module reaches PostgreSQL.
export type { SqlRunner } from './sql-runner.ts';

// Wiring: the context the federation modules share, and the node's signing identity.
export type { FederationContext, FederationLogger } from './federation-context.ts';
export { NodeIdentity } from './identity/node-identity.ts';
export { KeyStoreError, type KeyStoreErrorCode } from './keys/key-store.ts';
export type { Ed25519PublicJwk, NodeKeyRing } from './keys/node-keys.ts';
export { upsertSelf } from './registry/node-registry.ts';

// Routes the node mounts.
export { keyAdminRoutes, wellKnownRoutes } from './http/identity-routes.ts';
export { enrollmentAdminRoutes, enrollmentPublicRoutes } from './http/enrollment-routes.ts';
export { syncAdminRoutes, syncPublicRoutes, type SyncTrigger } from './http/sync-routes.ts';
export { auditAdminRoutes, auditPublicRoutes, type AuditTrigger } from './http/audit-routes.ts';
export { policyPublicRoutes } from './http/policy-routes.ts';
export { rollupRoutes } from './rollups/rollup-routes.ts';
export type { AnyFederationRoute, KeysetPager } from './http/route-contract.ts';
export { FederationError } from './protocol/federation-error.ts';
export { FEDERATION_ERRORS } from './protocol/federation-errors.ts';

// The event log: appending leaves at ingest, and sequencing what was not logged yet.
export { appendLeaves, treeSize } from './log/log-store.ts';
export { leafHash } from './log/merkle.ts';
export { lockEventLog, sequenceEvents, type UnloggedEvents } from './log/sequencer.ts';

// Sync: the child's outbox and the parent's intake.
export { buildBatch, deliverOutbox, type SummarySource } from './sync/outbox.ts';
export type { BatchApplier } from './sync/batch-intake.ts';
export { peekPayload } from './sync/verify.ts';
export { TYP } from './sync/message-types.ts';

// Rollups: summary rows and applying them.
export { applySummaries } from './rollups/rollup-store.ts';
export {
  COUNT_COLUMNS, SUMMARY_COUNTS, STATE_COUNTS, compareSummaryRows, type SummaryCount, type SummaryRow,
} from './rollups/summary-row.ts';

// Re-supervision: the host the node implements, and running audits.
export type {
  AuditHost, AuditScope, DeclaredItem, ReportedAlert, ReportedLimit, ScopedCase, VerdictRecord,
} from './audit/audit-types.ts';
export { runAudit } from './audit/audit-run.ts';
export { unfinishedAudits } from './audit/audit-store.ts';

// Policy distribution: the host the node implements, and the issued messages.
export type { AppliedPolicy, PolicyApplication, PolicyHost, VerifiedPolicy } from './policy/policy-host.ts';
export type { PolicyKind, PolicyPayload } from './policy/policy-messages.ts';

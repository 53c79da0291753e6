/**
 * The audited side of re-supervision, and the relay (federation/PROTOCOL.md): `POST
 * /federation/v1/audits {request}`. Only this node's parent may ask, under a key pinned for it,
 * with a fresh nonce and a clock near this node's. A request for this node is answered with the
 * cases in scope, each event with its inclusion proof against the requested tree size, and what
 * this node reports for each case (its verdict, and its alerts after sweeping the page's cases at
 * the audit instant), with the catalog entries the supervision rules read, signed. A request for a child of this node is relayed to it,
 * wrapped in a request this node signs, and the child's signed answer is returned unchanged.
 */
import type { SqlRunner } from '../sql-runner.ts';
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import type { FederationErrorCode } from '../protocol/federation-errors.ts';
import { findNode, findParent } from '../registry/node-registry.ts';
import { inclusionProofAt, rootAt, treeSize } from '../log/log-store.ts';
import { postToPeer } from '../http/peer-client.ts';
import { jwsHash } from '../sync/checkpoints.ts';
import { peekPayload, verifyFrom } from '../sync/verify.ts';
import { TYP } from '../sync/message-types.ts';
import type { AuditHost, AuditRequestPayload, AuditResponsePayload, AuditedCase } from './audit-types.ts';

/** How far a request's `time` may be from this node's clock. */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;
/** Nonces are kept this long: longer than a request stays acceptable. */
const NONCE_RETENTION_MS = 24 * 3600 * 1000;

/** The fields a relaying parent copies from the request it relays. */
const RELAYED_FIELDS = ['node', 'from', 'to', 'departmentCode', 'treeSize', 'at', 'after', 'limit', 'nonce'] as const;

const refuse = (code: FederationErrorCode, message: string, details: Record<string, unknown> = {}, status?: number): never => {
  throw new FederationError(code, message, details, status);
};

/** Verifies a request from this node's parent: signer, signature, schema, clock, nonce. */
async function verifyRequest(context: FederationContext, jws: string): Promise<AuditRequestPayload> {
  const claimed = peekPayload(jws);
  const parent = await findParent(context.sql);
  if (!parent || parent.jwks === null || claimed.auditor !== parent.code) {
    refuse('UNKNOWN_NODE', `只有上级节点可以再监察本节点 (only this node's parent may audit it), 请求方 ${String(claimed.auditor)}`, { auditor: claimed.auditor });
  }
  const payload = await verifyFrom<AuditRequestPayload>(jws, parent!.jwks, parent!.code, TYP.auditRequest);
  context.validate('federation/audit-request.schema.json', payload);
  if (payload.auditor !== parent!.code) refuse('MALFORMED', '请求的 auditor 与签名者不符 (auditor is not the signer)', { auditor: payload.auditor });
  const skew = Math.abs(Date.parse(payload.time) - context.now().getTime());
  if (!(skew <= MAX_CLOCK_SKEW_MS)) {
    refuse('STALE_REQUEST', `请求时间与本节点时钟相差过大 (request time ${payload.time} is more than 10 minutes from this node's clock)`, { time: payload.time, now: context.now().toISOString() });
  }
  const now = context.now();
  // Spent with the request's audit entry: a second request with this nonce waits for the first to commit, then is refused.
  const fresh = await context.transaction(async (sql) => {
    await sql.query('DELETE FROM audit_request_nonces WHERE seen_at < $1', [new Date(now.getTime() - NONCE_RETENTION_MS)]);
    return sql.query('INSERT INTO audit_request_nonces (nonce, auditor, seen_at) VALUES ($1, $2, $3) ON CONFLICT (nonce) DO NOTHING RETURNING nonce',
      [payload.nonce, payload.auditor, now]);
  });
  if (fresh.length === 0) refuse('REPLAYED', '该再监察请求已处理过 (this request was answered already: the nonce is spent)', { nonce: payload.nonce });
  return payload;
}

/**
 * The request a relayed one stands for: it must be for this node, not relayed itself, and agree
 * with the relaying request on every field the relay copies. Its signer's key is not pinned here;
 * the relaying parent, whose key is, checked it before wrapping it.
 */
function relayedOriginal(context: FederationContext, outer: AuditRequestPayload): { jws: string; payload: AuditRequestPayload } {
  const jws = outer.relayedFor!;
  const inner = peekPayload(jws) as unknown as AuditRequestPayload;
  context.validate('federation/audit-request.schema.json', inner);
  const differs = RELAYED_FIELDS.filter((field) => JSON.stringify(inner[field]) !== JSON.stringify(outer[field]));
  if (inner.relayedFor !== undefined || differs.length > 0) {
    refuse('MALFORMED', `转发的请求与原请求不符 (the relayed request does not match the original: ${differs.join(', ') || 'relayed twice'})`, { fields: differs });
  }
  return { jws, payload: inner };
}

async function answerForSelf(context: FederationContext, host: AuditHost, request: AuditRequestPayload, original: { jws: string; payload: AuditRequestPayload }): Promise<string> {
  const scope = { from: request.from, to: request.to, departmentCode: request.departmentCode, treeSize: request.treeSize, after: request.after, limit: request.limit };
  const at = new Date(request.at);
  // First the page's alerts are brought up to `at` (a sweep commits its own transactions); a
  // failure there leaves them as they are, and the auditor's comparison shows what is stale.
  try {
    await host.refreshAlerts(context.sql, scope, at);
  } catch (error) {
    context.log.warn({ err: error, auditor: original.payload.auditor }, '再监察前的预警扫描失败 (the sweep before an audit answer failed)');
  }
  // One snapshot for the events, the proofs and the reported state.
  const payload = await context.snapshot(async (sql: SqlRunner): Promise<AuditResponsePayload> => {
    const size = await treeSize(sql);
    if (request.treeSize > size) refuse('TREE_SIZE_UNKNOWN', `本节点的日志只有 ${size} 条, 没有大小为 ${request.treeSize} 的检查点`, { treeSize: request.treeSize, size });
    const root = await rootAt(sql, request.treeSize);
    const { cases, nextAfter } = await host.casesForAudit(sql, scope);
    const caseNos = cases.map((scoped) => scoped.caseNo);
    const reported = await host.reportedVerdicts(sql, caseNos, at);
    const alerts = await host.reportedAlerts(sql, caseNos, at);
    const items = await host.declaredItems(sql, caseNos);
    const answered: AuditedCase[] = [];
    for (const scoped of cases) {
      const events = [];
      for (const { leafIndex, event, receivedAt } of scoped.events) {
        const proof = await inclusionProofAt(sql, leafIndex, request.treeSize);
        events.push({ leafIndex, event, receivedAt, proof: proof.map((hash) => hash.toString('hex')) });
      }
      answered.push({
        caseNo: scoped.caseNo, events, unwitnessedEvents: scoped.unwitnessedEvents, reported: reported.get(scoped.caseNo) ?? null,
        alerts: alerts.get(scoped.caseNo) ?? [],
      });
    }
    return {
      node: context.self.code, auditor: original.payload.auditor, request: jwsHash(original.jws), treeSize: request.treeSize,
      rootHash: root.toString('hex'), at: request.at, cases: answered, items, nextAfter, time: context.now().toISOString(),
    };
  });
  context.log.info({ auditor: payload.auditor, via: request.auditor, cases: payload.cases.length, treeSize: payload.treeSize }, '已应答再监察请求 (audit page answered)');
  return context.identity.sign(TYP.auditResponse, payload);
}

async function relayToChild(context: FederationContext, request: AuditRequestPayload, jws: string): Promise<{ response: unknown }> {
  if (request.relayedFor !== undefined) refuse('UNKNOWN_NODE', `转发的请求不是给本节点的 (a relayed request for ${request.node})`, { node: request.node }, 404);
  const child = await findNode(context.sql, request.node);
  if (!child || child.relation !== 'child') refuse('UNKNOWN_NODE', `节点 ${request.node} 不是本节点的下级 (not a child of this node)`, { node: request.node }, 404);
  if (!child!.publicUrl) refuse('NO_CHILD_URL', `下级节点 ${child!.code} 没有登记地址 (child has no public URL)`, { node: child!.code });
  const wrapped: AuditRequestPayload = { ...request, auditor: context.self.code, time: context.now().toISOString(), relayedFor: jws };
  const signed = await context.identity.sign(TYP.auditRequest, wrapped);
  context.log.info({ auditor: request.auditor, node: child!.code }, '转发再监察请求 (relaying an audit request)');
  // The child's signed answer goes back unchanged: the auditor verifies it with the child's keys.
  try {
    const answer = await postToPeer<{ response?: unknown }>(context.fetch, child!.publicUrl!, '/federation/v1/audits', { request: signed }, 120_000);
    return { response: answer.response };
  } catch (error) {
    // The child's refusals (4xx) pass through with its code; a child that cannot answer at all is
    // named, not hidden behind this node's INTERNAL.
    if (error instanceof FederationError && error.status >= 500) {
      refuse('RELAY_FAILED', `下级节点 ${child!.code} 未能应答 (child ${child!.code} did not answer: ${error.code}: ${error.message})`, { node: child!.code, cause: error.code });
    }
    throw error;
  }
}

/** Handles `POST /federation/v1/audits` `{request}`; answers `{response}`. */
export async function answerAuditRequest(context: FederationContext, host: AuditHost, body: { request: string }): Promise<{ response: unknown }> {
  const request = await verifyRequest(context, body.request);
  if (request.node !== context.self.code) return relayToChild(context, request, body.request);
  const original = request.relayedFor === undefined ? { jws: body.request, payload: request } : relayedOriginal(context, request);
  return { response: await answerForSelf(context, host, request, original) };
}

/**
 * The auditor's side of re-supervision (federation/PROTOCOL.md): one audit, page after page. Each
 * page is a fresh signed request to the audited node, sent to it directly when it is a child, or to
 * the child it lies under, which relays it. The answer must be signed by the audited node itself
 * (the keys pinned for it, or vouched for by the child it lies under) and bound to the request;
 * then every event is checked against the checkpoint this node witnessed, and every case recomputed
 * (its verdict and the supervision rules' findings, compared with the node's alerts).
 */
import { randomBytes } from 'node:crypto';
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { findNode, type RegisteredNode } from '../registry/node-registry.ts';
import { postToPeer } from '../http/peer-client.ts';
import { jwsHash } from '../sync/checkpoints.ts';
import { verifyFrom } from '../sync/verify.ts';
import { TYP } from '../sync/message-types.ts';
import { checkAuditPage, emptyFindings, type AuditFindings, type Witnessed } from './audit-check.ts';
import { loadOrder, markDone, markFailed, markRunning, type AuditOrder } from './audit-store.ts';
import type { AuditHost, AuditRequestPayload, AuditResponsePayload } from './audit-types.ts';

/** Pages one audit may take before it is stopped (a node that never ends its pages). */
const MAX_PAGES = 100_000;
/** An audit page answer can be large (events with proofs): allow it time. */
const PAGE_TIMEOUT_MS = 120_000;

/** Where an audit of `code` goes: the audited node and the child of this node that reaches it. */
export interface AuditRoute {
  target: RegisteredNode;
  via: RegisteredNode;
  witnessed: Witnessed;
}

/**
 * Finds the audited node and the child to send to, refusing what this node cannot audit:
 * not a child or descendant (UNKNOWN_NODE), not enrolled or no keys (NOT_ENROLLED), nothing
 * witnessed yet (NOTHING_WITNESSED), or no address for the child on the path (NO_CHILD_URL).
 */
export async function resolveAuditRoute(context: FederationContext, code: string): Promise<AuditRoute> {
  const target = await findNode(context.sql, code);
  if (!target || (target.relation !== 'child' && target.relation !== 'descendant')) {
    throw new FederationError('UNKNOWN_NODE', `节点 ${code} 不是本节点的下级 (not a child or descendant of this node)`, { node: code }, 404);
  }
  if (target.jwks === null || target.enrolledAt === null) throw new FederationError('NOT_ENROLLED', `节点 ${code} 尚未完成登记 (not enrolled yet)`, { node: code }, 409);
  if (target.lastTreeSize === 0 || target.lastRootHash === null) {
    throw new FederationError('NOTHING_WITNESSED', `尚未见证节点 ${code} 的检查点, 请先同步 (no checkpoint of ${code} witnessed yet: sync first)`, { node: code });
  }
  // Walk up to the child this node enrolled itself: it relays to the levels below.
  let via: RegisteredNode | null = target;
  for (let hops = 0; via !== null && via.relation === 'descendant' && hops < 8; hops++) via = via.parentCode === null ? null : await findNode(context.sql, via.parentCode);
  if (!via || via.relation !== 'child') throw new FederationError('UNKNOWN_NODE', `找不到通往节点 ${code} 的下级 (no child of this node leads to ${code})`, { node: code }, 404);
  if (!via.publicUrl) throw new FederationError('NO_CHILD_URL', `下级节点 ${via.code} 没有登记地址 (child ${via.code} has no public URL)`, { node: via.code });
  return { target, via, witnessed: { treeSize: target.lastTreeSize, rootHash: target.lastRootHash } };
}

/** Asks for one page and answers the verified payload (signed by the target, bound to this request). */
async function fetchPage(context: FederationContext, route: AuditRoute, order: AuditOrder, after: string | null): Promise<AuditResponsePayload> {
  const payload: AuditRequestPayload = {
    auditor: context.self.code, node: route.target.code, from: order.from, to: order.to, departmentCode: order.departmentCode,
    treeSize: route.witnessed.treeSize, at: order.at.toISOString(), after, limit: order.pageSize,
    nonce: randomBytes(18).toString('base64url'), time: context.now().toISOString(),
  };
  const request = await context.identity.sign(TYP.auditRequest, payload);
  const answer = await postToPeer<{ response?: unknown }>(context.fetch, route.via.publicUrl!, '/federation/v1/audits', { request }, PAGE_TIMEOUT_MS);
  if (typeof answer.response !== 'string') throw new FederationError('MALFORMED', '再监察应答缺少 response (the answer has no response)', { node: route.target.code }, 502);
  const response = await verifyFrom<AuditResponsePayload>(answer.response, route.target.jwks, route.target.code, TYP.auditResponse);
  context.validate('federation/audit-response.schema.json', response);
  if (response.node !== route.target.code || response.auditor !== context.self.code || response.request !== jwsHash(request)
    || response.treeSize !== payload.treeSize || response.at !== payload.at) {
    throw new FederationError('ANSWER_MISMATCH', '再监察应答与请求不符 (the answer is not for this request)', { node: route.target.code });
  }
  if (response.cases.length > payload.limit) throw new FederationError('MALFORMED', `应答超过 ${payload.limit} 件 (more cases than asked for)`, { node: route.target.code }, 502);
  return response;
}

/**
 * Runs audit `id` to its end and records the outcome (done with findings, or failed with the
 * reason); never throws for a failure of the audit itself. Rerunning starts over.
 */
export async function runAudit(context: FederationContext, host: AuditHost, id: string): Promise<void> {
  const order = await loadOrder(context.sql, id);
  if (!order || order.status === 'done' || order.status === 'failed') return;
  let findings: AuditFindings | null = null;
  try {
    const route = await resolveAuditRoute(context, order.nodeCode);
    await markRunning(context.sql, id, route.witnessed, context.now());
    findings = emptyFindings();
    let after: string | null = null;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new FederationError('TOO_MANY_PAGES', `超过 ${MAX_PAGES} 页 (the audit did not end)`);
      const response = await fetchPage(context, route, order, after);
      checkAuditPage(findings, response, route.witnessed, host);
      if (response.nextAfter === null) break;
      // Keyset pages must move forward, or a node could keep the auditor busy forever.
      if (after !== null && response.nextAfter <= after) throw new FederationError('MALFORMED', '分页没有前进 (the next page does not move forward)', { after, nextAfter: response.nextAfter }, 502);
      after = response.nextAfter;
    }
    await markDone(context.sql, id, findings, context.now());
    context.log.info({ audit: id, node: order.nodeCode, ...findings.counts }, '再监察完成 (audit done)');
  } catch (error) {
    const code = error instanceof FederationError ? error.code : 'AUDIT_FAILED';
    context.log.warn({ audit: id, node: order.nodeCode, err: error }, '再监察失败 (audit failed)');
    await markFailed(context.sql, id, `${code}: ${(error as Error).message}`, findings, context.now());
  }
}

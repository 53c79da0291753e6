/**
 * Downward policy over HTTP. Public: `POST /federation/v1/policies {node}` answers the signed
 * bundle for that enrolled child (the same one a batch answer carries) and the parent's key
 * announcements. It needs no credential:
 * what it gives is public and signed, and a replayed bundle changes nothing at the child, which
 * applies only documents newer than its own.
 */
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { findNode } from '../registry/node-registry.ts';
import { buildPolicyBundle } from '../policy/policy-bundle.ts';
import { recentKeyAnnouncements } from '../keys/key-announcements.ts';
import { federationBody, federationRoute, type AnyFederationRoute } from './route-contract.ts';

export function policyPublicRoutes(context: FederationContext): AnyFederationRoute[] {
  return [federationRoute({
    method: 'POST', path: '/federation/v1/policies', summary: '下级节点取政策包 (a child fetches its signed policy bundle)',
    body: federationBody<{ node: string }>('federation/policy-request.schema.json'),
    handler: async (ctx) => {
      const { node: code } = ctx.input.body;
      const node = await findNode(context.sql, code);
      if (!node || node.relation !== 'child') throw new FederationError('UNKNOWN_NODE', `节点 ${code} 不是本节点的下级 (not a child of this node)`, { node: code });
      if (node.enrolledAt === null || node.jwks === null) throw new FederationError('NOT_ENROLLED', `节点 ${code} 尚未完成登记 (not enrolled yet)`, { node: code });
      // As with a batch answer, the parent's key announcements come along, so a rotated key verifies.
      ctx.body = { policyBundle: await buildPolicyBundle(context, code), keyAnnouncements: await recentKeyAnnouncements(context.sql) };
    },
  })];
}

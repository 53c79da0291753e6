/**
 * Upward sync over HTTP. Public: `POST /federation/v1/batches` (the signatures are the
 * credential). Admin: `GET /api/v1/federation/status`, `POST /api/v1/federation/sync`.
 */
import Type from 'typebox';
import type { FederationContext } from '../federation-context.ts';
import { receiveBatch, type BatchApplier } from '../sync/batch-intake.ts';
import { findParent, listNodes } from '../registry/node-registry.ts';
import { treeSize } from '../log/log-store.ts';
import { peekPayload } from '../sync/verify.ts';
import { outboxStatus } from '../sync/outbox.ts';
import { buildPolicyBundle } from '../policy/policy-bundle.ts';
import { recentKeyAnnouncements } from '../keys/key-announcements.ts';
import { presentInstant } from '../protocol/present-instant.ts';
import { federationBody, federationRoute, type AnyFederationRoute } from './route-contract.ts';

export function syncPublicRoutes(context: FederationContext, applier: BatchApplier): AnyFederationRoute[] {
  return [federationRoute({
    method: 'POST', path: '/federation/v1/batches', summary: '下级节点上报批次 (a child sends a signed batch; answered with a signed receipt)',
    body: federationBody<{ batch: string; keyAnnouncements?: string[] }>('federation/batch-request.schema.json'),
    handler: async (ctx) => {
      const answer = await receiveBatch(context, applier, ctx.input.body);
      const announcements = await recentKeyAnnouncements(context.sql);
      // receiveBatch verified the signer, so the claimed node is the child; its policy bundle rides along.
      const policyBundle = await buildPolicyBundle(context, String(peekPayload(ctx.input.body.batch).node));
      ctx.body = { receipt: answer.receipt, duplicate: answer.duplicate, keyAnnouncements: announcements, policyBundle };
    },
  })];
}

export interface SyncTrigger {
  /** Runs a sync now; with `wait`, answers its outcome once finished. */
  trigger(wait: boolean): Promise<{ jobId: string; result?: unknown }>;
}

export function syncAdminRoutes(context: FederationContext, sync: SyncTrigger): AnyFederationRoute[] {
  const status = federationRoute({
    method: 'GET', path: '/federation/status', summary: '联邦状态: 本节点、上级与下级 (federation status: this node, its parent, its children)',
    handler: async (ctx) => {
      const parent = await findParent(context.sql);
      const outbox = await outboxStatus(context.sql);
      const children = await listNodes(context.sql, ['child', 'descendant']);
      ctx.body = {
        node: { ...context.self, kid: context.identity.ring.currentKid, treeSize: await treeSize(context.sql) },
        parent: parent === null ? null : {
          code: parent.code, level: parent.level, name: parent.name, url: parent.publicUrl,
          lastAcknowledgedSequence: parent.lastSequence, lastBatchSequence: outbox.lastSequence,
          pendingBatches: outbox.pending, witnessedTreeSize: parent.lastTreeSize,
          lastSeenAt: presentInstant(parent.lastSeenAt), lastError: outbox.lastError ?? parent.lastError,
        },
        children: children.map((child) => {
          const checkpoint = child.lastCheckpointJws ? peekPayload(child.lastCheckpointJws) : null;
          return {
            code: child.code, relation: child.relation, parentCode: child.parentCode, level: child.level, name: child.name,
            enrolled: child.enrolledAt !== null, lastSequence: child.lastSequence,
            // Shown in +08:00 like every instant of an answer; the signed checkpoint itself keeps its own form.
            lastCheckpoint: checkpoint === null ? null : { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, time: presentInstant(String(checkpoint.time)) },
            lastSeenAt: presentInstant(child.lastSeenAt),
          };
        }),
      };
    },
  });

  const trigger = federationRoute({
    method: 'POST', path: '/federation/sync', summary: '立即同步到上级 (sync to the parent now; `wait=true` answers the outcome)',
    query: Type.Object({ wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), body: 'none', response: { status: 202, description: '200 with wait=true' },
    handler: async (ctx) => {
      const wait = ctx.input.query.wait === true;
      const outcome = await sync.trigger(wait);
      ctx.status = wait ? 200 : 202;
      ctx.body = outcome;
    },
  });

  return [status, trigger];
}

/**
 * Upward sync over HTTP. Public: `POST /federation/v1/batches` (the signatures are the
 * credential). Admin: `GET /api/v1/federation/status`, `POST /api/v1/federation/sync`.
 */
import Router from '@koa/router';
import type { FederationContext } from '../federation-context.ts';
import { receiveBatch, type BatchApplier } from '../sync/batch-intake.ts';
import { findParent, listNodes } from '../registry/node-registry.ts';
import { treeSize } from '../log/log-store.ts';
import { peekPayload } from '../sync/verify.ts';
import { buildPolicyBundle } from '../policy/policy-bundle.ts';

export function syncPublicRouter(context: FederationContext, applier: BatchApplier): Router {
  const router = new Router();
  router.post('/federation/v1/batches', async (ctx) => {
    context.validate('federation/batch-request.schema.json', ctx.request.body);
    const answer = await receiveBatch(context, applier, ctx.request.body as { batch: string; keyAnnouncements?: string[] });
    const announcements = (await context.sql.query<{ jws: string }>('SELECT jws FROM key_announcements ORDER BY created_at DESC LIMIT 20')).map((row) => row.jws).reverse();
    // receiveBatch verified the signer, so the claimed node is the child; its policy bundle rides along.
    const policyBundle = await buildPolicyBundle(context, String(peekPayload((ctx.request.body as { batch: string }).batch).node));
    ctx.body = { receipt: answer.receipt, duplicate: answer.duplicate, keyAnnouncements: announcements, policyBundle };
  });
  return router;
}

export interface SyncTrigger {
  /** Runs a sync now; with `wait`, answers its outcome once finished. */
  trigger(wait: boolean): Promise<{ jobId: string; result?: unknown }>;
}

export function syncAdminRouter(context: FederationContext, sync: SyncTrigger): Router {
  const router = new Router();

  router.get('/federation/status', async (ctx) => {
    const parent = await findParent(context.sql);
    const [outbox] = await context.sql.query<{ pending: string; last_error: string | null; last_sequence: string | null }>(
      `SELECT count(*) FILTER (WHERE acked_at IS NULL) AS pending, max(sequence) AS last_sequence,
        (SELECT last_error FROM outbox_batches WHERE acked_at IS NULL ORDER BY sequence LIMIT 1) AS last_error FROM outbox_batches`);
    const children = await listNodes(context.sql, ['child', 'descendant']);
    ctx.body = {
      node: { ...context.self, kid: context.identity.ring.currentKid, treeSize: await treeSize(context.sql) },
      parent: parent === null ? null : {
        code: parent.code, level: parent.level, name: parent.name, url: parent.publicUrl,
        lastAcknowledgedSequence: parent.lastSequence, lastBatchSequence: Number(outbox?.last_sequence ?? 0),
        pendingBatches: Number(outbox?.pending ?? 0), witnessedTreeSize: parent.lastTreeSize,
        lastSeenAt: parent.lastSeenAt?.toISOString() ?? null, lastError: outbox?.last_error ?? parent.lastError,
      },
      children: children.map((child) => {
        const checkpoint = child.lastCheckpointJws ? peekPayload(child.lastCheckpointJws) : null;
        return {
          code: child.code, relation: child.relation, parentCode: child.parentCode, level: child.level, name: child.name,
          enrolled: child.enrolledAt !== null, lastSequence: child.lastSequence,
          lastCheckpoint: checkpoint === null ? null : { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, time: checkpoint.time },
          lastSeenAt: child.lastSeenAt?.toISOString() ?? null,
        };
      }),
    };
  });

  router.post('/federation/sync', async (ctx) => {
    context.validate('no-body.schema.json', ctx.request.body ?? {});
    const wait = ctx.query.wait === 'true';
    const outcome = await sync.trigger(wait);
    ctx.status = wait ? 200 : 202;
    ctx.body = outcome;
  });

  return router;
}

/**
 * The child side of upward sync (federation/PROTOCOL.md): batches are built into a transactional
 * outbox, chained by hash, each with a checkpoint and a consistency proof from the previous one;
 * delivery sends the pending ones strictly in order and keeps the parent's signed receipts. A
 * batch waits in the outbox for as long as the parent is away.
 */
import type { SqlRunner } from '../sql-runner.ts';
import type { FederationContext } from '../federation-context.ts';
import { consistencyProofBetween } from '../log/log-store.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { findParent, listNodes, pinKeys } from '../registry/node-registry.ts';
import { checkJwks } from '../enrollment/enrollment.ts';
import { currentCheckpoint, jwsHash } from './checkpoints.ts';
import { postToPeer } from '../http/peer-client.ts';
import { verifyFrom } from './verify.ts';
import { syncPoliciesFromParent, type PolicySyncOutcome } from '../policy/policy-sync.ts';
import { TYP, type BatchPayload, type KeyAnnouncementPayload, type ReceiptPayload } from './message-types.ts';

/** What the node contributes to a batch: the summary rows that changed since the last one. */
export interface SummarySource {
  changedSummaries(sql: SqlRunner, asOf: Date): Promise<Record<string, unknown>[]>;
}

export interface BuiltBatch {
  sequence: number;
  treeSize: number;
  summaries: number;
  forwarded: number;
}

// One builder at a time per node, whatever the number of workers.
const OUTBOX_LOCK = "hashtext('supervision.outbox')";

/** Builds the next batch if anything is new; answers null when there is nothing to send. */
export async function buildBatch(context: FederationContext, source: SummarySource): Promise<BuiltBatch | null> {
  return context.transaction(async (sql) => {
    await sql.query(`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
    const parent = await findParent(sql);
    if (!parent) return null;
    const [last] = await sql.query<{ sequence: string; batch_hash: string; tree_size: string }>(
      'SELECT sequence, batch_hash, tree_size FROM outbox_batches ORDER BY sequence DESC LIMIT 1');
    const now = context.now();
    const checkpoint = await currentCheckpoint(sql, context.identity, context.self.code, now);
    const fromSize = last ? Number(last.tree_size) : 0;
    const summaries = await source.changedSummaries(sql, now);
    const forwardedRows = await sql.query<{ node_code: string; sequence: string; jws: string }>(
      'SELECT node_code, sequence, jws FROM inbox_batches WHERE forwarded_in IS NULL ORDER BY received_at, node_code, sequence');
    if (last && checkpoint.payload.treeSize === fromSize && summaries.length === 0 && forwardedRows.length === 0) return null;

    const sequence = last ? Number(last.sequence) + 1 : 1;
    const descendants = (await listNodes(sql, ['child', 'descendant']))
      .filter((node) => node.enrolledAt !== null && node.jwks !== null)
      .map((node) => ({ code: node.code, parentCode: node.parentCode ?? context.self.code, level: node.level as 'county' | 'city', name: node.name, jwks: node.jwks! }));
    const payload: BatchPayload = {
      node: context.self.code, parent: parent.code, sequence, prevBatchHash: last?.batch_hash ?? null, createdAt: now.toISOString(),
      checkpoint: checkpoint.jws,
      consistency: { fromSize, proof: fromSize === 0 ? [] : (await consistencyProofBetween(sql, fromSize, checkpoint.payload.treeSize)).map((hash) => hash.toString('hex')) },
      summaries, descendants, forwarded: forwardedRows.map((row) => row.jws),
    };
    const jws = await context.identity.sign(TYP.batch, payload);
    await sql.query('INSERT INTO outbox_batches (sequence, batch_hash, jws, tree_size, created_at) VALUES ($1, $2, $3, $4, $5)',
      [sequence, jwsHash(jws), jws, checkpoint.payload.treeSize, now]);
    if (forwardedRows.length > 0) {
      await sql.query(`UPDATE inbox_batches AS b SET forwarded_in = $1 FROM unnest($2::text[], $3::bigint[]) AS f(node_code, sequence)
        WHERE b.node_code = f.node_code AND b.sequence = f.sequence`, [sequence, forwardedRows.map((row) => row.node_code), forwardedRows.map((row) => row.sequence)]);
    }
    return { sequence, treeSize: checkpoint.payload.treeSize, summaries: summaries.length, forwarded: forwardedRows.length };
  });
}

export interface DeliveryResult {
  delivered: number;
  pending: number;
  error: { code: string; message: string } | null;
  /** The parent's policy bundle, applied after a full delivery (federation/policy/policy-sync.ts). */
  policies?: PolicySyncOutcome | null;
}

/** Sends pending batches in order until one fails or none is left, then takes the parent's policies. */
export async function deliverOutbox(context: FederationContext): Promise<DeliveryResult> {
  const parent = await findParent(context.sql);
  if (!parent || !parent.publicUrl) return { delivered: 0, pending: 0, error: null };
  const announcements = (await context.sql.query<{ jws: string }>('SELECT jws FROM key_announcements ORDER BY created_at DESC LIMIT 20')).map((row) => row.jws).reverse();
  let delivered = 0;
  let policyBundle: string | null | undefined;
  for (;;) {
    const [next] = await context.sql.query<{ sequence: string; batch_hash: string; jws: string }>(
      'SELECT sequence, batch_hash, jws FROM outbox_batches WHERE acked_at IS NULL ORDER BY sequence LIMIT 1');
    if (!next) break;
    const sequence = Number(next.sequence);
    try {
      const answer = await postToPeer<{ receipt: string; keyAnnouncements?: string[]; policyBundle?: string | null }>(context.fetch, parent.publicUrl, '/federation/v1/batches',
        announcements.length > 0 ? { batch: next.jws, keyAnnouncements: announcements } : { batch: next.jws });
      await acceptReceipt(context, parent.code, sequence, next.batch_hash, answer);
      policyBundle = answer.policyBundle ?? null;
      delivered += 1;
    } catch (error) {
      const code = error instanceof FederationError ? error.code : 'DELIVERY_FAILED';
      const message = (error as Error).message.slice(0, 1000);
      await context.sql.query('UPDATE outbox_batches SET attempts = attempts + 1, last_attempt_at = $2, last_error = $3 WHERE sequence = $1', [sequence, context.now(), `${code}: ${message}`]);
      await context.sql.query('UPDATE federation_nodes SET last_error = $2 WHERE code = $1', [parent.code, `${code}: ${message}`]);
      const [{ pending } = { pending: '0' }] = await context.sql.query<{ pending: string }>('SELECT count(*) AS pending FROM outbox_batches WHERE acked_at IS NULL');
      return { delivered, pending: Number(pending), error: { code, message } };
    }
  }
  return { delivered, pending: 0, error: null, policies: await syncPoliciesFromParent(context, policyBundle) };
}

/** Checks the parent's signed receipt against the batch sent, then records it. */
async function acceptReceipt(context: FederationContext, parentCode: string, sequence: number, batchHash: string, answer: { receipt: string; keyAnnouncements?: string[] }): Promise<void> {
  await context.transaction(async (sql) => {
    let parent = await findParent(sql);
    if (!parent) throw new FederationError('NOT_ENROLLED', '没有上级节点 (no parent)', {}, 409);
    for (const announcement of answer.keyAnnouncements ?? []) {
      const announced = await verifyFrom<KeyAnnouncementPayload>(announcement, parent.jwks, parent.code, TYP.keys);
      if (announced.node !== parent.code) continue;
      const jwks = await checkJwks(announced.jwks, 'keyAnnouncement/jwks');
      await pinKeys(sql, parent.code, jwks);
      parent = { ...parent, jwks };
    }
    const receipt = await verifyFrom<ReceiptPayload>(answer.receipt, parent.jwks, parentCode, TYP.receipt);
    context.validate('federation/receipt.schema.json', receipt);
    if (receipt.parent !== parentCode || receipt.node !== context.self.code || receipt.sequence !== sequence || receipt.batchHash !== batchHash) {
      throw new FederationError('RECEIPT_MISMATCH', '回执与所发批次不符 (the receipt does not match the batch sent)', { sequence });
    }
    await sql.query('UPDATE outbox_batches SET acked_at = $2, receipt_jws = $3, last_error = NULL WHERE sequence = $1', [sequence, context.now(), answer.receipt]);
    await sql.query(`UPDATE federation_nodes SET last_sequence = $2, last_batch_hash = $3, last_tree_size = $4, last_root_hash = $5,
        last_seen_at = $6, last_error = NULL WHERE code = $1`,
    [parentCode, sequence, batchHash, receipt.checkpoint.treeSize, receipt.checkpoint.rootHash, context.now()]);
  });
}

/** The outbox as the status route shows it: batches not acknowledged yet, the last sequence, the oldest open batch's error. */
export async function outboxStatus(sql: SqlRunner): Promise<{ pending: number; lastSequence: number; lastError: string | null }> {
  const [row] = await sql.query<{ pending: string; last_error: string | null; last_sequence: string | null }>(
    `SELECT count(*) FILTER (WHERE acked_at IS NULL) AS pending, max(sequence) AS last_sequence,
      (SELECT last_error FROM outbox_batches WHERE acked_at IS NULL ORDER BY sequence LIMIT 1) AS last_error FROM outbox_batches`);
  return { pending: Number(row?.pending ?? 0), lastSequence: Number(row?.last_sequence ?? 0), lastError: row?.last_error ?? null };
}

/**
 * The parent side of upward sync (federation/PROTOCOL.md): verify a batch from a child (and the
 * descendants' batches it forwards) in full, then store and apply it in one transaction and answer
 * a signed receipt. Each refusal has its own code and changes nothing; the same batch twice is
 * answered with the receipt already given.
 */
import { verifyConsistency } from '../log/merkle.ts';
import type { SqlRunner } from '../sql-runner.ts';
import type { FederationContext } from '../federation-context.ts';
import { FederationError } from '../protocol/federation-error.ts';
import type { FederationErrorCode } from '../protocol/federation-errors.ts';
import { checkJwks } from '../enrollment/enrollment.ts';
import { lockNode, pinKeys, type RegisteredNode } from '../registry/node-registry.ts';
import { jwsHash } from './checkpoints.ts';
import { peekPayload, verifyFrom } from './verify.ts';
import { TYP, type BatchPayload, type CheckpointPayload, type KeyAnnouncementPayload, type ReceiptPayload } from './message-types.ts';

/** What applying a batch's content means to the node (summaries into rollups, policies ...). */
export interface BatchApplier {
  applySummaries(sql: SqlRunner, node: string, rows: Record<string, unknown>[], now: Date): Promise<void>;
}

export interface BatchAnswer {
  receipt: string;
  duplicate: boolean;
}

const refuse = (code: FederationErrorCode, message: string, details: Record<string, unknown> = {}, status?: number): never => {
  throw new FederationError(code, message, details, status);
};

/** Applies key announcements signed by a key already pinned for the sender (after a rotation). */
async function acceptKeyAnnouncements(sql: SqlRunner, node: RegisteredNode, announcements: readonly unknown[]): Promise<RegisteredNode> {
  let current = node;
  for (const announcement of announcements) {
    const payload = await verifyFrom<KeyAnnouncementPayload>(String(announcement), current.jwks, current.code, TYP.keys);
    if (payload.node !== current.code) refuse('MALFORMED', '密钥公告的节点不符 (key announcement for another node)', { node: payload.node });
    const jwks = await checkJwks(payload.jwks, 'keyAnnouncement/jwks');
    await pinKeys(sql, current.code, jwks);
    current = { ...current, jwks };
  }
  return current;
}

interface VerifiedBatch {
  node: RegisteredNode;
  payload: BatchPayload;
  hash: string;
  checkpoint: CheckpointPayload;
  duplicateReceipt: string | null;
}

/** Every check of PROTOCOL.md on one batch of `node`, whose row the caller has locked. */
async function verifyBatch(sql: SqlRunner, context: FederationContext, node: RegisteredNode, jws: string, expectedParent: string): Promise<VerifiedBatch> {
  const payload = await verifyFrom<BatchPayload>(jws, node.jwks, node.code, TYP.batch);
  context.validate('federation/batch.schema.json', payload);
  if (payload.node !== node.code) refuse('MALFORMED', `批次声明的节点 ${payload.node} 与签名者 ${node.code} 不符`, { node: payload.node });
  if (payload.parent !== expectedParent) refuse('WRONG_PARENT', `批次发往 ${payload.parent}, 不是 ${expectedParent}`, { parent: payload.parent });
  const hash = jwsHash(jws);

  if (payload.sequence <= node.lastSequence) {
    const [held] = await sql.query<{ batch_hash: string; receipt_jws: string | null }>(
      'SELECT batch_hash, receipt_jws FROM inbox_batches WHERE node_code = $1 AND sequence = $2', [node.code, payload.sequence]);
    if (held && held.batch_hash === hash) {
      return { node, payload, hash, checkpoint: peekPayload(payload.checkpoint) as unknown as CheckpointPayload, duplicateReceipt: held.receipt_jws ?? '' };
    }
    refuse('REPLAYED', `序号 ${payload.sequence} 已收到过不同内容 (sequence already received with other content)`, { node: node.code, sequence: payload.sequence, lastSequence: node.lastSequence });
  }
  if (payload.sequence !== node.lastSequence + 1) {
    refuse('SEQUENCE_GAP', `序号应为 ${node.lastSequence + 1}, 收到 ${payload.sequence} (batches must arrive in order)`, { node: node.code, expected: node.lastSequence + 1, sequence: payload.sequence });
  }
  if (payload.prevBatchHash !== node.lastBatchHash) {
    refuse('CHAIN_BROKEN', '批次链断裂: prevBatchHash 与上一批次不符 (prevBatchHash does not match the previous batch)', { node: node.code, expected: node.lastBatchHash, prevBatchHash: payload.prevBatchHash });
  }
  let checkpoint: CheckpointPayload;
  try {
    checkpoint = await verifyFrom<CheckpointPayload>(payload.checkpoint, node.jwks, node.code, TYP.checkpoint);
  } catch (error) {
    throw new FederationError('CHECKPOINT_INVALID', `检查点签名无效 (${(error as Error).message})`, { node: node.code });
  }
  context.validate('federation/checkpoint.schema.json', checkpoint);
  if (checkpoint.node !== node.code) refuse('CHECKPOINT_INVALID', '检查点属于其他节点 (checkpoint of another node)', { node: checkpoint.node });
  if (checkpoint.treeSize < node.lastTreeSize) {
    refuse('ROLLED_BACK', `日志回退: ${checkpoint.treeSize} < 已确认的 ${node.lastTreeSize} (the log shrank below a witnessed size)`, { node: node.code, treeSize: checkpoint.treeSize, witnessed: node.lastTreeSize });
  }
  if (payload.consistency.fromSize !== node.lastTreeSize) {
    refuse('PROOF_INVALID', `一致性证明应从 ${node.lastTreeSize} 起 (the proof must start at the acknowledged size)`, { node: node.code, fromSize: payload.consistency.fromSize, witnessed: node.lastTreeSize });
  }
  const oldRoot = node.lastRootHash === null ? Buffer.alloc(0) : Buffer.from(node.lastRootHash, 'hex');
  const consistent = node.lastTreeSize === 0
    ? payload.consistency.proof.length === 0
    : verifyConsistency(node.lastTreeSize, checkpoint.treeSize, oldRoot, Buffer.from(checkpoint.rootHash, 'hex'), payload.consistency.proof.map((hex) => Buffer.from(hex, 'hex')));
  if (!consistent) refuse('PROOF_INVALID', '一致性证明不成立: 日志被改写 (the consistency proof fails: the log was rewritten)', { node: node.code, fromSize: node.lastTreeSize, treeSize: checkpoint.treeSize });
  for (const row of payload.summaries) {
    if (row.node !== node.code) refuse('MALFORMED', `汇总行属于 ${String(row.node)}, 不是 ${node.code}`, { node: node.code });
  }
  return { node, payload, hash, checkpoint, duplicateReceipt: null };
}

/** Records a verified batch: the inbox row, its summaries, and the node's new position. */
async function recordBatch(sql: SqlRunner, applier: BatchApplier, verified: VerifiedBatch, jws: string, viaCode: string, receipt: string | null, now: Date): Promise<void> {
  const { node, payload, hash, checkpoint } = verified;
  await sql.query(`INSERT INTO inbox_batches (node_code, sequence, batch_hash, jws, via_code, received_at, receipt_jws)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`, [node.code, payload.sequence, hash, jws, viaCode, now, receipt]);
  await applier.applySummaries(sql, node.code, payload.summaries, now);
  await sql.query(`UPDATE federation_nodes SET last_sequence = $2, last_batch_hash = $3, last_tree_size = $4, last_root_hash = $5,
      last_checkpoint_jws = $6, last_seen_at = $7, last_error = NULL WHERE code = $1`,
  [node.code, payload.sequence, hash, checkpoint.treeSize, checkpoint.rootHash, payload.checkpoint, now]);
}

/** Registers (or updates) the descendants a child vouches for, under that child. */
async function recordDescendants(sql: SqlRunner, payload: BatchPayload): Promise<void> {
  for (const descendant of payload.descendants) {
    const jwks = await checkJwks(descendant.jwks, 'descendants/jwks');
    const [row] = await sql.query<{ relation: string; parent_code: string | null }>('SELECT relation, parent_code FROM federation_nodes WHERE code = $1', [descendant.code]);
    if (row && row.relation !== 'descendant') continue; // never let a child redefine this node, its parent or a direct child
    await sql.query(`INSERT INTO federation_nodes (code, relation, parent_code, level, name, jwks, enrolled_at)
      VALUES ($1, 'descendant', $2, $3, $4, $5::jsonb, now())
      ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, level = EXCLUDED.level, name = EXCLUDED.name, jwks = EXCLUDED.jwks`,
    [descendant.code, descendant.parentCode, descendant.level, descendant.name, JSON.stringify(jwks)]);
  }
}

/** Handles `POST /federation/v1/batches` `{batch, keyAnnouncements?}`. */
export async function receiveBatch(context: FederationContext, applier: BatchApplier, body: { batch: unknown; keyAnnouncements?: unknown[] }): Promise<BatchAnswer> {
  const claimed = peekPayload(body.batch);
  const code = typeof claimed.node === 'string' ? claimed.node : '';
  const jws = body.batch as string;
  return context.transaction(async (sql) => {
    let node = await lockNode(sql, code);
    if (!node || node.relation !== 'child') refuse('UNKNOWN_NODE', `节点 ${code} 不是本节点的下级 (not a child of this node)`, { node: code });
    if (node!.enrolledAt === null || node!.jwks === null) refuse('NOT_ENROLLED', `节点 ${code} 尚未完成登记 (not enrolled yet)`, { node: code });
    node = await acceptKeyAnnouncements(sql, node!, body.keyAnnouncements ?? []);
    const verified = await verifyBatch(sql, context, node, jws, context.self.code);
    if (verified.duplicateReceipt !== null) return { receipt: verified.duplicateReceipt, duplicate: true };

    const now = context.now();
    // Forwarded batches of descendants are verified with their own keys, in the order given.
    await recordDescendants(sql, verified.payload);
    for (const forwarded of verified.payload.forwarded) {
      const claimedBy = peekPayload(forwarded).node;
      const descendant = await lockNode(sql, typeof claimedBy === 'string' ? claimedBy : '');
      if (!descendant || descendant.relation !== 'descendant') refuse('UNKNOWN_NODE', `转发的批次来自未知节点 ${String(claimedBy)}`, { node: claimedBy, via: code });
      const inner = await verifyBatch(sql, context, descendant!, forwarded, descendant!.parentCode ?? '');
      if (inner.duplicateReceipt !== null) continue;
      await recordBatch(sql, applier, inner, forwarded, code, null, now);
    }

    const receiptPayload: ReceiptPayload = {
      parent: context.self.code, node: code, sequence: verified.payload.sequence, batchHash: verified.hash,
      checkpoint: { treeSize: verified.checkpoint.treeSize, rootHash: verified.checkpoint.rootHash }, receivedAt: now.toISOString(),
    };
    const receipt = await context.identity.sign(TYP.receipt, receiptPayload);
    await recordBatch(sql, applier, verified, jws, code, receipt, now);
    return { receipt, duplicate: false };
  });
}

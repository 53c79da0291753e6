/**
 * Signed checkpoints of this node's event log: (node, tree size, root hash, time). One is kept per
 * tree size, so asking twice at the same size answers the same signed statement.
 */
import { createHash } from 'node:crypto';
import type { SqlRunner } from '../sql-runner.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { rootAt, treeSize } from '../log/log-store.ts';
import { TYP, type CheckpointPayload } from './message-types.ts';

export interface SignedCheckpoint {
  payload: CheckpointPayload;
  jws: string;
}

/** Hex SHA-256 of a JWS string: how batches are chained and receipted. */
export function jwsHash(jws: string): string {
  return createHash('sha256').update(jws, 'ascii').digest('hex');
}

/** The checkpoint of the log as it stands (made and stored if this size has none yet). */
export async function currentCheckpoint(sql: SqlRunner, identity: NodeIdentity, nodeCode: string, now: Date): Promise<SignedCheckpoint> {
  const size = await treeSize(sql);
  const [held] = await sql.query<{ root_hash: string; signed_at: Date | string; jws: string }>(
    'SELECT root_hash, signed_at, jws FROM own_checkpoints WHERE tree_size = $1', [size]);
  if (held) {
    return { payload: { node: nodeCode, treeSize: size, rootHash: held.root_hash, time: new Date(held.signed_at).toISOString() }, jws: held.jws };
  }
  const payload: CheckpointPayload = { node: nodeCode, treeSize: size, rootHash: (await rootAt(sql, size)).toString('hex'), time: now.toISOString() };
  const jws = await identity.sign(TYP.checkpoint, payload);
  await sql.query('INSERT INTO own_checkpoints (tree_size, root_hash, signed_at, jws) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING',
    [size, payload.rootHash, now, jws]);
  return { payload, jws };
}

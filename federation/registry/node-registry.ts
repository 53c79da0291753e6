/**
 * The registry of nodes this one knows (`federation_nodes`): itself, its parent, its children and
 * their descendants, each with the keys pinned for it and the sync position reached with it.
 */
import type { SqlRunner } from '../sql-runner.ts';
import type { Jwks } from '../keys/node-keys.ts';

export const LEVELS = ['county', 'city', 'province'] as const;
export type Level = (typeof LEVELS)[number];
export type Relation = 'self' | 'parent' | 'child' | 'descendant';

/** county < city < province: a child must be strictly below its parent. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export interface RegisteredNode {
  code: string;
  relation: Relation;
  parentCode: string | null;
  level: Level;
  name: string;
  publicUrl: string | null;
  jwks: Jwks | null;
  enrolledAt: Date | null;
  lastSequence: number;
  lastBatchHash: string | null;
  lastTreeSize: number;
  lastRootHash: string | null;
  lastCheckpointJws: string | null;
  lastSeenAt: Date | null;
  lastError: string | null;
}

interface NodeRow {
  code: string;
  relation: Relation;
  parent_code: string | null;
  level: Level;
  name: string;
  public_url: string | null;
  jwks: Jwks | null;
  enrolled_at: Date | string | null;
  last_sequence: string | number;
  last_batch_hash: string | null;
  last_tree_size: string | number;
  last_root_hash: string | null;
  last_checkpoint_jws: string | null;
  last_seen_at: Date | string | null;
  last_error: string | null;
}

const asDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function fromRow(row: NodeRow): RegisteredNode {
  return {
    code: row.code, relation: row.relation, parentCode: row.parent_code, level: row.level, name: row.name,
    publicUrl: row.public_url, jwks: row.jwks, enrolledAt: asDate(row.enrolled_at),
    lastSequence: Number(row.last_sequence), lastBatchHash: row.last_batch_hash,
    lastTreeSize: Number(row.last_tree_size), lastRootHash: row.last_root_hash,
    lastCheckpointJws: row.last_checkpoint_jws, lastSeenAt: asDate(row.last_seen_at), lastError: row.last_error,
  };
}

const COLUMNS = `code, relation, parent_code, level, name, public_url, jwks, enrolled_at, last_sequence, last_batch_hash,
  last_tree_size, last_root_hash, last_checkpoint_jws, last_seen_at, last_error`;

export async function findNode(sql: SqlRunner, code: string): Promise<RegisteredNode | null> {
  const [row] = await sql.query<NodeRow>(`SELECT ${COLUMNS} FROM federation_nodes WHERE code = $1`, [code]);
  return row ? fromRow(row) : null;
}

/** Locks and reads a node's row for the rest of the caller's transaction. */
export async function lockNode(sql: SqlRunner, code: string): Promise<RegisteredNode | null> {
  const [row] = await sql.query<NodeRow>(`SELECT ${COLUMNS} FROM federation_nodes WHERE code = $1 FOR UPDATE`, [code]);
  return row ? fromRow(row) : null;
}

export async function findParent(sql: SqlRunner): Promise<RegisteredNode | null> {
  const [row] = await sql.query<NodeRow>(`SELECT ${COLUMNS} FROM federation_nodes WHERE relation = 'parent'`);
  return row ? fromRow(row) : null;
}

export async function listNodes(sql: SqlRunner, relations: Relation[]): Promise<RegisteredNode[]> {
  const rows = await sql.query<NodeRow>(`SELECT ${COLUMNS} FROM federation_nodes WHERE relation = ANY($1::text[]) ORDER BY code`, [relations]);
  return rows.map(fromRow);
}

/** Records this node itself (its identity may change name or URL between starts). */
export async function upsertSelf(sql: SqlRunner, self: { code: string; level: Level; name: string; publicUrl: string | null; jwks: Jwks }): Promise<void> {
  await sql.query(`INSERT INTO federation_nodes (code, relation, level, name, public_url, jwks, enrolled_at)
    VALUES ($1, 'self', $2, $3, $4, $5::jsonb, now())
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, public_url = EXCLUDED.public_url, jwks = EXCLUDED.jwks, level = EXCLUDED.level`,
  [self.code, self.level, self.name, self.publicUrl, JSON.stringify(self.jwks)]);
}

/** Updates the public keys pinned for a node (after a verified key announcement). */
export async function pinKeys(sql: SqlRunner, code: string, jwks: Jwks): Promise<void> {
  await sql.query('UPDATE federation_nodes SET jwks = $2::jsonb WHERE code = $1', [code, JSON.stringify(jwks)]);
}

/**
 * The event log in PostgreSQL (tables in log-schema.sql.ts): append leaf hashes, and answer the
 * root at any past size and inclusion and consistency proofs between sizes, each with one query
 * that touches O(log n) rows by primary key, never a scan of the leaves.
 *
 * Appending writes each leaf and every perfect subtree that the leaf completes, so any root or
 * proof is a handful of stored hashes plus at most log n hashes computed on the way
 * (tree-layout.ts says which). Sizes and indexes are JavaScript numbers (safe integers).
 */
import { HASH_SIZE, emptyRoot, nodeHash } from './merkle.ts';
import { consistencyRanges, inclusionRanges, perfectSubtrees, type LeafRange, type NodeId } from './tree-layout.ts';
import type { SqlRunner } from '../sql-runner.ts';

/** Where a batch landed: its first leaf's index and the size of the tree after it. */
export interface AppendResult {
  firstIndex: number;
  treeSize: number;
}

// Leaves per INSERT: bounds statement size (32 bytes a leaf) when a caller appends a million.
const CHUNK_LEAVES = 16384;

/**
 * Appends leaf hashes (32 bytes each) at the end of the log, with the subtree hashes they
 * complete.
 *
 * The caller runs this inside its transaction, together with whatever makes the events durable,
 * so that events and leaves commit or vanish together. The caller also guarantees a single
 * writer, for example with `select pg_advisory_xact_lock(...)` as the first statement of that
 * transaction: the new indexes follow the size read here, so two writers would pick the same
 * ones. A writer that slips past the lock cannot fork the log: once the first commits, its
 * inserts collide on the primary key and its transaction fails (unique_violation) instead of
 * waiting its turn.
 * @throws RangeError when a hash is not 32 bytes.
 */
export async function appendLeaves(sql: SqlRunner, leafHashes: readonly Uint8Array[]): Promise<AppendResult> {
  for (const [i, hash] of leafHashes.entries()) {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is not ${HASH_SIZE} bytes`);
  }
  const firstIndex = await treeSize(sql);
  if (leafHashes.length === 0) return { firstIndex, treeSize: firstIndex };

  // The perfect subtrees of the current tree, largest first: a binary counter of hashes that each
  // new leaf increments, carrying into a new node wherever two equal subtrees meet.
  const frontierIds = perfectSubtrees({ start: 0, end: firstIndex });
  const frontierHashes = await nodeHashes(sql, frontierIds, firstIndex);
  const frontier: StoredNode[] = frontierIds.map((id) => ({ ...id, hash: frontierHashes.get(nodeKey(id))! }));

  for (let offset = 0; offset < leafHashes.length; offset += CHUNK_LEAVES) {
    const chunk = leafHashes.slice(offset, offset + CHUNK_LEAVES);
    const chunkStart = firstIndex + offset;
    const completed: StoredNode[] = [];
    for (const [i, hash] of chunk.entries()) {
      let node: StoredNode = { level: 0, index: chunkStart + i, hash };
      for (let left = frontier.at(-1); left !== undefined && left.level === node.level; left = frontier.at(-1)) {
        frontier.pop();
        node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
        completed.push(node);
      }
      frontier.push(node);
    }
    // One statement per chunk, so a chunk's leaves never land without the nodes they complete.
    await sql.query(
      `with "leaves" as (
         insert into "log_leaves" ("leaf_index", "leaf_hash")
         select $1::bigint + i, substring($2::bytea from i * ${HASH_SIZE} + 1 for ${HASH_SIZE})
         from generate_series(0, $3::int - 1) as i
       )
       insert into "log_nodes" ("level", "node_index", "hash")
       select w.level, w.node_index, substring($6::bytea from (w.ord::int - 1) * ${HASH_SIZE} + 1 for ${HASH_SIZE})
       from unnest($4::int[], $5::bigint[]) with ordinality as w(level, node_index, ord)`,
      [
        chunkStart,
        Buffer.concat(chunk),
        chunk.length,
        completed.map((n) => n.level),
        completed.map((n) => n.index),
        Buffer.concat(completed.map((n) => n.hash)),
      ],
    );
  }
  return { firstIndex, treeSize: firstIndex + leafHashes.length };
}

/** The number of leaves in the log (the last index + 1, read from the primary key's end). */
export async function treeSize(sql: SqlRunner): Promise<number> {
  const rows = await sql.query<{ size: string }>(`select coalesce(max("leaf_index") + 1, 0)::text as size from "log_leaves"`);
  return toCount(rows[0]?.size ?? '0');
}

/**
 * The root hash (MTH) of the tree of the first `size` leaves; for 0, the empty-tree hash.
 * @throws RangeError when size is not an integer in 0..treeSize.
 */
export async function rootAt(sql: SqlRunner, size: number): Promise<Buffer> {
  requireCount(size, 'size');
  if (size === 0) return emptyRoot();
  const range = { start: 0, end: size };
  const [root] = await rangeHashes(sql, [range], size);
  return root!;
}

/**
 * The inclusion proof of leaf `index` in the tree of the first `size` leaves, as
 * `verifyInclusion(leafHash, index, size, proof, rootAt(size))` expects it.
 * @throws RangeError unless 0 <= index < size <= treeSize.
 */
export async function inclusionProofAt(sql: SqlRunner, index: number, size: number): Promise<Buffer[]> {
  requireCount(index, 'index');
  requireCount(size, 'size');
  if (index >= size) throw new RangeError(`leaf index ${index} is not in a tree of ${size}`);
  // The leaf itself is read too: when it is the one leaf past the end, the proof's nodes all exist.
  const [, ...proof] = await rangeHashes(sql, [{ start: index, end: index + 1 }, ...inclusionRanges(index, size)], size);
  return proof;
}

/**
 * The consistency proof from the tree of `oldSize` leaves to the tree of `newSize`, as
 * `verifyConsistency(oldSize, newSize, rootAt(oldSize), rootAt(newSize), proof)` expects it.
 * Empty for oldSize 0 or equal sizes.
 * @throws RangeError unless 0 <= oldSize <= newSize <= treeSize.
 */
export async function consistencyProofBetween(sql: SqlRunner, oldSize: number, newSize: number): Promise<Buffer[]> {
  requireCount(oldSize, 'oldSize');
  requireCount(newSize, 'newSize');
  if (oldSize > newSize) throw new RangeError(`oldSize ${oldSize} is larger than newSize ${newSize}`);
  const ranges = consistencyRanges(oldSize, newSize);
  // Equal sizes need no nodes, but a size past the end must still be refused.
  if (ranges.length === 0 && newSize > 0) await requireWithinLog(sql, newSize);
  return rangeHashes(sql, ranges, newSize);
}

interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

/** MTH of each range, from one read of the perfect subtrees that tile them. */
async function rangeHashes(sql: SqlRunner, ranges: readonly LeafRange[], size: number): Promise<Buffer[]> {
  const tiles = ranges.map(perfectSubtrees);
  const hashes = await nodeHashes(sql, tiles.flat(), size);
  return tiles.map((ids) => {
    let hash = hashes.get(nodeKey(ids[ids.length - 1]!))!;
    for (let i = ids.length - 2; i >= 0; i--) hash = nodeHash(hashes.get(nodeKey(ids[i]!))!, hash);
    return Buffer.from(hash);
  });
}

/**
 * The stored hashes of the given nodes, keyed by {@link nodeKey}: level 0 from `log_leaves`, the
 * rest from `log_nodes`, in one statement of primary-key lookups. Every node lies inside the tree
 * of `size` leaves; a missing one means `size` is past the end (RangeError) or a damaged log.
 */
async function nodeHashes(sql: SqlRunner, ids: readonly NodeId[], size: number): Promise<Map<string, Buffer>> {
  const hashes = new Map<string, Buffer>();
  if (ids.length === 0) return hashes;
  const unique = [...new Map(ids.map((id) => [nodeKey(id), id])).values()];
  const leaves = unique.filter((id) => id.level === 0);
  const inner = unique.filter((id) => id.level > 0);
  const rows = await sql.query<{ level: number; node_index: string; hash: Buffer }>(
    `select n."level", n."node_index"::text as node_index, n."hash"
     from "log_nodes" n
     join unnest($1::int[], $2::bigint[]) as w(level, node_index) on n."level" = w.level and n."node_index" = w.node_index
     union all
     select 0, l."leaf_index"::text, l."leaf_hash" from "log_leaves" l where l."leaf_index" = any($3::bigint[])`,
    [inner.map((id) => id.level), inner.map((id) => id.index), leaves.map((id) => id.index)],
  );
  for (const row of rows) hashes.set(`${row.level}:${row.node_index}`, row.hash);
  const missing = unique.find((id) => !hashes.has(nodeKey(id)));
  if (missing !== undefined) {
    await requireWithinLog(sql, size);
    throw new Error(`the event log is damaged: no hash stored for node ${nodeKey(missing)} of a tree of ${size}`);
  }
  return hashes;
}

async function requireWithinLog(sql: SqlRunner, size: number): Promise<void> {
  const current = await treeSize(sql);
  if (size > current) throw new RangeError(`size ${size} is past the end of the event log (${current} leaves)`);
}

function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

function requireCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, not ${value}`);
}

function toCount(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`the event log has grown past ${Number.MAX_SAFE_INTEGER} leaves`);
  return value;
}

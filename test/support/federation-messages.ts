/**
 * Crafting federation messages in tests: sign as a real node (its keys opened from its own
 * database) or as a stranger, build the next batch the way federation/sync/outbox.ts does, bend
 * any part of it, and read back everything a parent records about a child, so that a test can
 * show that a refused message left no trace.
 */
import { expect } from 'chai';
import { NodeIdentity } from '../../federation/identity/node-identity.ts';
import { NodeKeyRing, NodeSigningKey } from '../../federation/keys/node-keys.ts';
import { canonicalJson, signMessage } from '../../federation/keys/signed-message.ts';
import { consistencyProof, rootOf } from '../../federation/log/merkle.ts';
import { TYP, type BatchPayload, type CheckpointPayload } from '../../federation/sync/message-types.ts';
import { poolRunner, query } from '../../node/core/db.ts';
import type { ApiAnswer, TestNode } from './test-node.ts';

/** The key secret startTestNode gives every node. */
export const TEST_NODE_KEY_SECRET = 'test-node-key-secret-0123456789';

/** Anything that signs federation messages: a node's identity, or a stranger's ring. */
export interface Signer {
  sign(typ: string, payload: unknown): Promise<string>;
}

/** Rows of `text` run on the node's own database, outside any request. */
export function rowsOf<Row = Record<string, unknown>>(node: TestNode, text: string, params: readonly unknown[] = []): Promise<Row[]> {
  return query<Row>(node.node.orm.em.fork(), text, params);
}

/** The node's signing identity, opened from its database as the node itself opened it. */
export function identityOf(node: TestNode): Promise<NodeIdentity> {
  return NodeIdentity.open(poolRunner(node.node.orm), TEST_NODE_KEY_SECRET, new Date('2026-03-02T10:00:00+08:00'));
}

/** A signer under a fresh key that no node has ever pinned. */
export async function stranger(): Promise<Signer & { ring: NodeKeyRing }> {
  const ring = new NodeKeyRing(await NodeSigningKey.generate(new Date('2026-03-02T10:00:00+08:00')));
  return { ring, sign: (typ, payload) => signMessage(ring, typ, payload) };
}

/** The leaf hashes of the node's event log, in order. */
export async function logLeaves(node: TestNode): Promise<Buffer[]> {
  const rows = await rowsOf<{ leaf_hash: Buffer }>(node, 'SELECT leaf_hash FROM log_leaves ORDER BY leaf_index');
  return rows.map((row) => Buffer.from(row.leaf_hash));
}

/** A batch the child sent and the parent acknowledged, as its outbox keeps it. */
export interface SentBatch {
  sequence: number;
  hash: string;
  jws: string;
  treeSize: number;
  receipt: string;
}

/** The child's acknowledged batches, oldest first. */
export async function sentBatches(child: TestNode): Promise<SentBatch[]> {
  const rows = await rowsOf<{ sequence: string; batch_hash: string; jws: string; tree_size: string; receipt_jws: string }>(child,
    'SELECT sequence, batch_hash, jws, tree_size, receipt_jws FROM outbox_batches WHERE acked_at IS NOT NULL ORDER BY sequence');
  return rows.map((row) => ({ sequence: Number(row.sequence), hash: row.batch_hash, jws: row.jws, treeSize: Number(row.tree_size), receipt: row.receipt_jws }));
}

/** A signed checkpoint over `leaves` (its size is theirs), with any field overridden. */
export function signCheckpoint(signer: Signer, node: string, leaves: readonly Buffer[], overrides: Partial<CheckpointPayload> = {}): Promise<string> {
  const payload: CheckpointPayload = {
    node, treeSize: leaves.length, rootHash: rootOf(leaves).toString('hex'), time: '2026-03-04T12:30:00.000Z', ...overrides,
  };
  return signer.sign(TYP.checkpoint, payload);
}

/**
 * The batch the child would send next, as outbox.ts builds it: the next sequence, chained to the
 * last acknowledged batch, with a checkpoint of the child's whole log signed by `identity` and the
 * consistency proof from the size the parent acknowledged. No summaries: the test adds what it needs.
 */
export async function nextBatch(child: TestNode, identity: Signer, parentCode: string): Promise<BatchPayload> {
  const [code] = await rowsOf<{ code: string }>(child, "SELECT code FROM federation_nodes WHERE relation = 'self'");
  const last = (await sentBatches(child)).at(-1);
  const leaves = await logLeaves(child);
  const fromSize = last?.treeSize ?? 0;
  return {
    node: code!.code, parent: parentCode, sequence: (last?.sequence ?? 0) + 1, prevBatchHash: last?.hash ?? null,
    createdAt: '2026-03-04T12:30:00.000Z',
    checkpoint: await signCheckpoint(identity, code!.code, leaves),
    consistency: { fromSize, proof: consistencyProof(leaves, fromSize, leaves.length).map((hash) => hash.toString('hex')) },
    summaries: [], descendants: [], forwarded: [],
  };
}

/** Signs a batch payload as `signer`. */
export function signBatch(signer: Signer, payload: BatchPayload): Promise<string> {
  return signer.sign(TYP.batch, payload);
}

/** The JWS with its payload segment replaced after signing (still canonical JSON, so only the signature is wrong). */
export function withTamperedPayload(jws: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const content = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(content);
  return [header, Buffer.from(canonicalJson(content), 'utf8').toString('base64url'), signature].join('.');
}

/** The JWS with one byte of its signature altered (the first character, so the encoding stays canonical). */
export function withAlteredSignature(jws: string): string {
  const [header, payload, signature] = jws.split('.');
  return [header, payload, (signature!.startsWith('A') ? 'B' : 'A') + signature!.slice(1)].join('.');
}

/** Posts a body to the parent's batch endpoint. */
export function postBatch(parent: TestNode, body: unknown): Promise<ApiAnswer> {
  return parent.api('POST', '/federation/v1/batches', body);
}

/** Asserts a refusal: the status and the stable error code. */
export function expectRefusal(answer: ApiAnswer, status: number, code: string): void {
  expect(answer.body?.error?.code, JSON.stringify(answer.body)).to.equal(code);
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
}

/**
 * Everything the parent holds about its children's sync: the status the admin sees for `child`,
 * every registry row (sequence, chain, witnessed checkpoint, pinned keys, last error, last seen),
 * the inbox, the stored rollup rows and their totals.
 */
export interface ParentRecord {
  child: unknown;
  nodes: unknown[];
  inbox: { count: number; hashes: string[] };
  rollupRows: unknown[];
  rollupTotals: unknown;
}

export async function parentRecord(parent: TestNode, child: string): Promise<ParentRecord> {
  const status = await parent.api('GET', '/api/v1/federation/status');
  expect(status.status, JSON.stringify(status.body)).to.equal(200);
  const rollups = await parent.api('GET', '/api/v1/rollups?from=2026-01-01&to=2026-12-31&groupBy=node');
  expect(rollups.status, JSON.stringify(rollups.body)).to.equal(200);
  const inbox = await rowsOf<{ batch_hash: string }>(parent, 'SELECT batch_hash FROM inbox_batches ORDER BY node_code, sequence');
  return {
    child: status.body.children.find((entry: { code: string }) => entry.code === child) ?? null,
    nodes: await rowsOf(parent, 'SELECT * FROM federation_nodes ORDER BY code'),
    inbox: { count: inbox.length, hashes: inbox.map((row) => row.batch_hash) },
    rollupRows: await rowsOf(parent, 'SELECT * FROM rollup_summaries ORDER BY node_code, department_code, item_code, day'),
    rollupTotals: rollups.body.totals,
  };
}

/**
 * A simulated child node for the sync benchmark: its own key ring, a day of summary rows for its
 * departments and items, an in-memory Merkle log that grows through the day, and the chain of
 * signed batches a real child's outbox would hold for that day (federation/sync/outbox.ts):
 * sequence 1, 2, ..., prevBatchHash = SHA-256 of the previous JWS, a signed checkpoint per batch
 * and the consistency proof from the previous batch's tree size.
 */
import { createHash } from 'node:crypto';
import { consistencyProof, rootOf } from '../../federation/log/merkle.ts';
import { NodeKeyRing, NodeSigningKey } from '../../federation/keys/node-keys.ts';
import { signMessage } from '../../federation/keys/signed-message.ts';
import { jwsHash } from '../../federation/sync/checkpoints.ts';
import { TYP, type BatchPayload, type CheckpointPayload } from '../../federation/sync/message-types.ts';
import { SUMMARY_COUNTS, zeroCounts, type SummaryCounts, type SummaryRow } from '../../federation/rollups/summary-row.ts';

/** The shape of a simulated child's day. */
export interface DayShape {
  /** Local date of the day, 'YYYY-MM-DD'. */
  day: string;
  departments: number;
  /** Active items per department (rows per department per day). */
  itemsPerDepartment: number;
  /** Batches the day is sent in; the last one carries every row with its end-of-day values. */
  batches: number;
  /** Leaves of the child's log at the end of the day. */
  leaves: number;
}

/** One signed batch, ready to post, with what its receipt must repeat. */
export interface SimBatch {
  sequence: number;
  jws: string;
  hash: string;
  treeSize: number;
  rootHash: string;
  rows: number;
}

export interface SimChild {
  code: string;
  name: string;
  ring: NodeKeyRing;
  batches: SimBatch[];
  /** End-of-day row of every key: what the parent must hold once all batches are applied. */
  finalRows: SummaryRow[];
}

/** A small deterministic generator (LCG), so a seed gives the same day every run. */
export class Lcg {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (Math.imul(this.#state, 1_664_525) + 1_013_904_223) >>> 0;
    return this.#state / 2 ** 32;
  }

  /** An integer in [0, max]. */
  upTo(max: number): number {
    return Math.floor(this.next() * (max + 1));
  }
}

/** End-of-day counts of one item of a county: consistent (onTime + late = concluded, open = sum of lights). */
function dayCounts(rng: Lcg): SummaryCounts {
  const accepted = rng.upTo(rng.next() < 0.7 ? 3 : 15);
  const concluded = rng.upTo(accepted + 2);
  const late = rng.next() < 0.1 ? rng.upTo(Math.min(2, concluded)) : 0;
  const onTime = concluded - late;
  const paused = rng.upTo(2);
  const red = rng.next() < 0.15 ? rng.upTo(3) : 0;
  const yellow = rng.upTo(2);
  const green = rng.upTo(30);
  return {
    ...zeroCounts(),
    accepted, notAccepted: rng.next() < 0.1 ? 1 : 0, concluded, onTime, early: rng.upTo(onTime), late,
    yellowCards: rng.next() < 0.05 ? 1 : 0, redCards: rng.next() < 0.02 ? 1 : 0,
    open: green + yellow + red + paused, green, yellow, red, paused,
  };
}

/** The row as it stood after `part` of the day (0 < part <= 1): every count scaled down, lights kept adding up. */
function partOf(row: SummaryRow, part: number): SummaryRow {
  const scaled = { ...row };
  for (const count of SUMMARY_COUNTS) scaled[count] = Math.floor(row[count] * part);
  scaled.open = scaled.green + scaled.yellow + scaled.red + scaled.paused;
  return scaled;
}

/** Local time `hour`:00 of `day` in Asia/Shanghai, as an ISO instant. */
function localInstant(day: string, hour: number): string {
  return new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString();
}

/**
 * Builds one child's day: rows, log and the signed batch chain to `parentCode`. Batch k of n
 * carries the rows that changed in its part of the working day (about half of them, with their
 * values at that time); the last carries every row with its end-of-day values.
 */
export async function buildSimChild(code: string, parentCode: string, shape: DayShape, seed: number): Promise<SimChild> {
  const rng = new Lcg(seed);
  const ring = new NodeKeyRing(await NodeSigningKey.generate(new Date(`${shape.day}T00:00:00+08:00`)));
  const finalRows: SummaryRow[] = [];
  for (let d = 1; d <= shape.departments; d++) {
    const departmentCode = `${code}-D${String(d).padStart(2, '0')}`;
    for (let i = 1; i <= shape.itemsPerDepartment; i++) {
      finalRows.push({ node: code, departmentCode, itemCode: `${departmentCode}-XK-${String(i).padStart(3, '0')}`, day: shape.day, ...dayCounts(rng) });
    }
  }

  // Leaf hashes stand in for the day's events: what matters to the parent is the tree above them.
  const leaves = Array.from({ length: shape.leaves }, (_, index) => createHash('sha256').update(`${code}:${index}`).digest());
  const batches: SimBatch[] = [];
  let previous: SimBatch | null = null;
  for (let k = 1; k <= shape.batches; k++) {
    const last = k === shape.batches;
    const part = k / shape.batches;
    const rows = last ? finalRows : finalRows.filter(() => rng.next() < 0.5).map((row) => partOf(row, part));
    const fromSize: number = previous?.treeSize ?? 0;
    // The log grows through the day, a little unevenly; it never shrinks.
    const treeSize: number = last ? shape.leaves : Math.min(shape.leaves, Math.max(fromSize + 1, Math.round(shape.leaves * part * (0.9 + 0.1 * rng.next()))));
    // Working hours 08:00-18:00, split evenly between the batches.
    const at = localInstant(shape.day, 8 + Math.round(10 * part));
    const checkpoint: CheckpointPayload = { node: code, treeSize, rootHash: rootOf(leaves.slice(0, treeSize)).toString('hex'), time: at };
    const payload: BatchPayload = {
      node: code, parent: parentCode, sequence: k, prevBatchHash: previous?.hash ?? null, createdAt: at,
      checkpoint: await signMessage(ring, TYP.checkpoint, checkpoint),
      consistency: { fromSize, proof: consistencyProof(leaves, fromSize, treeSize).map((hash) => hash.toString('hex')) },
      summaries: rows as unknown as Record<string, unknown>[], descendants: [], forwarded: [],
    };
    const jws = await signMessage(ring, TYP.batch, payload);
    previous = { sequence: k, jws, hash: jwsHash(jws), treeSize, rootHash: checkpoint.rootHash, rows: rows.length };
    batches.push(previous);
  }
  return { code, name: `模拟下级节点 ${code}`, ring, batches, finalRows };
}

/**
 * `npm run bench -- sync`: one province node (a real process on a fresh database) receives a day
 * of summaries from 100 simulated children, each registered with `POST /api/v1/children` and
 * enrolled at `POST /federation/v1/enroll` with its own keys, as a real child would. Each child
 * posts its chain of signed batches (checkpoint over its own Merkle log, consistency proof, hash
 * chain) to `POST /federation/v1/batches`, a few children in flight at a time. Prints batches/s
 * and summaries/s verified and applied, beside bare Ed25519 verifications of the same batch JWS
 * strings per second in the same run, and the latency of the province rollup over that data.
 *
 * A realistic day: the demo county (node/demo/catalog.ts) has 26 items over 8 departments, an
 * illustrative subset; a real county's 政务服务事项清单 has a thousand items or more over 30-40
 * departments, of which a few hundred see a case or carry open cases on a working day. So a child
 * sends 20 departments x 15 items = 300 rows for the day, in 4 batches (the rows that changed in
 * each quarter of the working day, about half of them; the last batch every row, at its
 * end-of-day values), over a log that grows to 3,000 leaves (about 1,000 cases of 3 events).
 *
 * Knobs (environment): BENCH_SYNC_CHILDREN (100; 20 with --quick), BENCH_SYNC_DEPARTMENTS (20),
 * BENCH_SYNC_ITEMS (15 per department), BENCH_SYNC_BATCHES (4 per child), BENCH_SYNC_LEAVES
 * (3,000), BENCH_CONCURRENCY (6 batches in flight), BENCH_SEED, BENCH_NODE_ARGS (extra flags for
 * the node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import pg from 'pg';
import type { Jwks } from '../../federation/keys/node-keys.ts';
import { verifyMessage } from '../../federation/keys/signed-message.ts';
import { TYP, type ReceiptPayload } from '../../federation/sync/message-types.ts';
import { addCounts, sameCounts, zeroCounts, type SummaryCounts } from '../../federation/rollups/summary-row.ts';
import { buildSimChild, type DayShape, type SimChild } from './sync-child.ts';
import {
  envInt, HttpClient, hostCpuTicks, latencyOf, postgresCpu, postgresCpuDelta, progress, sampleCalls, sizeKnob, startBenchNode,
  type BenchNode, type BenchOptions, type Latency,
} from './support.ts';

/** The province: 陕西省. */
const PARENT_CODE = '610000';
/** The day the children report: a working Monday. */
const DAY = '2026-03-02';
/** The rollup asked for: the month of that day, as a monthly report would. */
const ROLLUP_FROM = '2026-03-01';
const ROLLUP_TO = '2026-03-31';
const ROLLUP_CALLS = 60;
const ROLLUP_WARMUP = 5;
/** Least time the baseline loop runs, so its rate is not a handful of calls. */
const BASELINE_MIN_MS = 1_500;

export interface SyncResult {
  bench: 'sync';
  children: number;
  batches: number;
  summaries: number;
  seconds: number;
  batchesPerSec: number;
  summariesPerSec: number;
  baseline: { name: 'ed25519-verify'; verificationsPerSec: number };
  rollup: Latency & { byGroup: Record<'node' | 'department', Latency> };
  /** Round trip of one batch post, as the child sees it. */
  batchLatency: Latency;
  /** Node process CPU per batch, in ms. */
  nodeCpuMsPerBatch: number | null;
  /** CPU of the PostgreSQL processes serving the node (and its WAL and checkpoint writers) per batch, in ms. */
  pgCpuMsPerBatch: number;
  /** Share of the host's CPU busy during the timed run, anything included (the bench process too). */
  hostBusyPct: number;
  shape: DayShape;
  concurrency: number;
}

interface BatchAnswer {
  receipt: string;
  duplicate: boolean;
}

interface RollupAnswer {
  items: ({ key: string } & SummaryCounts)[];
  totals: SummaryCounts;
}

/** Registers a child at the parent and enrolls it with its token and keys; answers the parent's pinned JWKS. */
async function enroll(node: BenchNode, federation: HttpClient, child: SimChild): Promise<Jwks> {
  const issued = await node.api.json<{ enrollmentToken: string }>('POST', '/api/v1/children', { code: child.code, name: child.name, level: 'city' }, [201]);
  const answer = await federation.json<{ node: { code: string; level: string; jwks: Jwks } }>('POST', '/federation/v1/enroll', {
    token: issued.enrollmentToken,
    node: { code: child.code, level: 'city', name: child.name, publicUrl: null, jwks: child.ring.publicJwks() },
  });
  if (answer.node.code !== PARENT_CODE || answer.node.level !== 'province') throw new Error(`enrolled with ${answer.node.code} (${answer.node.level}), expected province ${PARENT_CODE}`);
  return answer.node.jwks;
}

/** Posts every child's batches in order, `concurrency` posts in flight (one child per worker at a time). */
async function sendAll(federation: HttpClient, children: readonly SimChild[], concurrency: number): Promise<{ answers: Map<string, BatchAnswer[]>; samplesMs: number[]; seconds: number }> {
  const answers = new Map<string, BatchAnswer[]>();
  const samplesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < children.length) {
      const child = children[next++]!;
      const received: BatchAnswer[] = [];
      for (const batch of child.batches) {
        const sent = performance.now();
        const answer = await federation.request('POST', '/federation/v1/batches', JSON.stringify({ batch: batch.jws }));
        samplesMs.push(performance.now() - sent);
        if (answer.status !== 200) throw new Error(`batch ${child.code}#${batch.sequence}: HTTP ${answer.status} ${answer.text.slice(0, 500)}`);
        received.push(JSON.parse(answer.text) as BatchAnswer);
      }
      answers.set(child.code, received);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { answers, samplesMs, seconds: (performance.now() - started) / 1000 };
}

/** Every answer is a fresh receipt, signed by the parent, for exactly the batch sent. */
async function checkReceipts(children: readonly SimChild[], answers: Map<string, BatchAnswer[]>, parentJwks: Jwks): Promise<void> {
  const resolve = async (kid: string) => parentJwks.keys.find((key) => key.kid === kid) ?? null;
  for (const child of children) {
    const received = answers.get(child.code) ?? [];
    if (received.length !== child.batches.length) throw new Error(`${child.code}: ${received.length} answers for ${child.batches.length} batches`);
    for (const [index, batch] of child.batches.entries()) {
      const answer = received[index]!;
      if (answer.duplicate) throw new Error(`${child.code}#${batch.sequence}: answered as a duplicate`);
      const receipt = (await verifyMessage(answer.receipt, resolve, TYP.receipt)).payload as ReceiptPayload;
      if (receipt.parent !== PARENT_CODE || receipt.node !== child.code || receipt.sequence !== batch.sequence || receipt.batchHash !== batch.hash
        || receipt.checkpoint.treeSize !== batch.treeSize || receipt.checkpoint.rootHash !== batch.rootHash) {
        throw new Error(`${child.code}#${batch.sequence}: the receipt does not match the batch: ${JSON.stringify(receipt)}`);
      }
    }
  }
}

/** The rollups of the loaded day equal the sums of the end-of-day rows sent, per child and in total. */
async function checkRollups(node: BenchNode, children: readonly SimChild[], shape: DayShape): Promise<void> {
  const expectedByNode = new Map<string, SummaryCounts>();
  const expectedTotals = zeroCounts();
  for (const child of children) {
    const sums = zeroCounts();
    for (const row of child.finalRows) addCounts(sums, row);
    expectedByNode.set(child.code, sums);
    addCounts(expectedTotals, sums);
  }
  const byNode = await node.api.json<RollupAnswer>('GET', `/api/v1/rollups?from=${ROLLUP_FROM}&to=${ROLLUP_TO}&groupBy=node`);
  if (!sameCounts(byNode.totals, expectedTotals)) throw new Error(`rollup totals ${JSON.stringify(byNode.totals)}, expected ${JSON.stringify(expectedTotals)}`);
  if (byNode.items.length !== children.length) throw new Error(`rollup by node has ${byNode.items.length} items, expected ${children.length}`);
  for (const item of byNode.items) {
    const expected = expectedByNode.get(item.key);
    if (!expected || !sameCounts(item, expected)) throw new Error(`rollup of ${item.key}: ${JSON.stringify(item)}, expected ${JSON.stringify(expected)}`);
  }
  const byDepartment = await node.api.json<RollupAnswer>('GET', `/api/v1/rollups?from=${ROLLUP_FROM}&to=${ROLLUP_TO}&groupBy=department`);
  if (!sameCounts(byDepartment.totals, expectedTotals)) throw new Error(`rollup totals by department ${JSON.stringify(byDepartment.totals)}, expected ${JSON.stringify(expectedTotals)}`);
  if (byDepartment.items.length !== children.length * shape.departments) {
    throw new Error(`rollup by department has ${byDepartment.items.length} items, expected ${children.length * shape.departments}`);
  }
  progress(`sync: rollups match what was sent: ${expectedTotals.accepted} accepted, ${expectedTotals.concluded} concluded, ${expectedTotals.open} open`);
}

/** Bare Ed25519 verifications of the batch JWS strings (node:crypto, keys imported once), per second. */
function baselineVerifications(children: readonly SimChild[]): number {
  const work: { data: Buffer; signature: Buffer; key: KeyObject }[] = [];
  for (const child of children) {
    const key = createPublicKey({ key: { ...child.ring.current.publicJwk }, format: 'jwk' });
    for (const batch of child.batches) {
      const dot = batch.jws.lastIndexOf('.');
      work.push({ data: Buffer.from(batch.jws.slice(0, dot), 'ascii'), signature: Buffer.from(batch.jws.slice(dot + 1), 'base64url'), key });
    }
  }
  let verified = 0;
  const started = performance.now();
  do {
    for (const item of work) {
      if (!verify(null, item.data, item.key, item.signature)) throw new Error('a batch signature does not verify');
      verified += 1;
    }
  } while (performance.now() - started < BASELINE_MIN_MS);
  return Math.round(verified / ((performance.now() - started) / 1000));
}

export async function runSync(options: BenchOptions): Promise<SyncResult> {
  const childCount = sizeKnob('BENCH_SYNC_CHILDREN', options, 100, 20);
  const shape: DayShape = {
    day: DAY,
    departments: envInt('BENCH_SYNC_DEPARTMENTS', 20),
    itemsPerDepartment: envInt('BENCH_SYNC_ITEMS', 15),
    batches: envInt('BENCH_SYNC_BATCHES', 4),
    leaves: envInt('BENCH_SYNC_LEAVES', 3_000),
  };
  const concurrency = envInt('BENCH_CONCURRENCY', 6);
  const seed = envInt('BENCH_SEED', 20250603);
  if (childCount > 999) throw new Error('BENCH_SYNC_CHILDREN must be at most 999');

  progress(`sync: building the day of ${childCount} children (${shape.departments} x ${shape.itemsPerDepartment} rows, ${shape.batches} batches, ${shape.leaves} leaves each, seed ${seed})`);
  const children: SimChild[] = [];
  for (let i = 0; i < childCount; i++) {
    // Codes 900100, 900200 ...: plainly simulated, never a real division.
    children.push(await buildSimChild(String(900_000 + 100 * (i + 1)), PARENT_CODE, shape, seed + i));
  }
  const batches = children.reduce((sum, child) => sum + child.batches.length, 0);
  const summaries = children.reduce((sum, child) => sum + child.batches.reduce((rows, batch) => rows + batch.rows, 0), 0);
  const megabytes = children.reduce((sum, child) => sum + child.batches.reduce((bytes, batch) => bytes + batch.jws.length, 0), 0) / 1e6;
  progress(`sync: ${batches} batches, ${summaries} summary rows, ${megabytes.toFixed(1)} MB of JWS`);

  const node = await startBenchNode('sync', {
    NODE_CODE: PARENT_CODE, NODE_LEVEL: 'province', NODE_NAME: '陕西省电子监察节点', NODE_KEY_SECRET: randomBytes(24).toString('hex'),
  });
  const federation = new HttpClient(node.url, {}, concurrency);
  const db = new pg.Client({ connectionString: node.database.url });
  try {
    await db.connect();
    progress(`sync: registering and enrolling ${childCount} children`);
    let parentJwks: Jwks | null = null;
    for (const child of children) parentJwks = await enroll(node, federation, child);

    progress(`sync: posting ${batches} batches, ${concurrency} in flight`);
    const cpuBefore = node.cpuSeconds();
    const pgBefore = await postgresCpu(db, node.database.name);
    const hostBefore = hostCpuTicks();
    const sent = await sendAll(federation, children, concurrency);
    const hostAfter = hostCpuTicks();
    const cpuAfter = node.cpuSeconds();
    const pgCpuMsPerBatch = Math.round((postgresCpuDelta(pgBefore, await postgresCpu(db, node.database.name)) * 1e5) / batches) / 100;
    const nodeCpuMsPerBatch = cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 1e5) / batches) / 100;
    const hostBusyPct = Math.round((100 * (hostAfter.busy - hostBefore.busy)) / Math.max(1, hostAfter.total - hostBefore.total));
    const batchesPerSec = Math.round((batches / sent.seconds) * 10) / 10;
    const summariesPerSec = Math.round(summaries / sent.seconds);
    const batchLatency = latencyOf(sent.samplesMs);
    progress(`sync: ${batches} batches in ${sent.seconds.toFixed(2)} s = ${batchesPerSec} batches/s, ${summariesPerSec} summaries/s; `
      + `post ${JSON.stringify(batchLatency)}; node CPU ${nodeCpuMsPerBatch} ms/batch, PostgreSQL CPU ${pgCpuMsPerBatch} ms/batch, host CPU ${hostBusyPct}% busy`);

    // The figures count only if every batch was verified, stored and applied exactly as sent.
    await checkReceipts(children, sent.answers, parentJwks!);
    const [stored] = (await db.query<{ batches: string; rows: string; children: string }>(`SELECT
      (SELECT count(*) FROM inbox_batches) AS batches, (SELECT count(*) FROM rollup_summaries) AS rows,
      (SELECT count(*) FROM federation_nodes WHERE relation = 'child' AND last_sequence = $1) AS children`, [shape.batches])).rows;
    const expectedRows = childCount * shape.departments * shape.itemsPerDepartment;
    if (Number(stored?.batches) !== batches || Number(stored?.rows) !== expectedRows || Number(stored?.children) !== childCount) {
      throw new Error(`sync verification failed: ${JSON.stringify(stored)}, expected ${batches} batches, ${expectedRows} rows, ${childCount} children at sequence ${shape.batches}`);
    }
    progress(`sync: verify: ${batches} receipts signed by the province match their batches; ${stored?.rows} summary rows stored`);
    await checkRollups(node, children, shape);

    progress(`sync: baseline: bare Ed25519 verification of the ${batches} batch JWS strings`);
    const verificationsPerSec = baselineVerifications(children);
    progress(`sync: baseline ${verificationsPerSec} verifications/s`);

    // Autovacuum would analyze after this many new rows anyway; do it now so every run measures the same plans.
    await db.query('ANALYZE rollup_summaries');
    const byGroup = {} as Record<'node' | 'department', Latency>;
    const rollupSamples: number[] = [];
    for (const groupBy of ['node', 'department'] as const) {
      const samples = await sampleCalls(ROLLUP_CALLS, async () => {
        await node.api.json('GET', `/api/v1/rollups?from=${ROLLUP_FROM}&to=${ROLLUP_TO}&groupBy=${groupBy}`);
      }, ROLLUP_WARMUP);
      byGroup[groupBy] = latencyOf(samples);
      rollupSamples.push(...samples);
      progress(`sync: rollup groupBy=${groupBy} ${JSON.stringify(byGroup[groupBy])}`);
    }
    const rollup = latencyOf(rollupSamples);

    return {
      bench: 'sync',
      children: childCount,
      batches,
      summaries,
      seconds: Math.round(sent.seconds * 100) / 100,
      batchesPerSec,
      summariesPerSec,
      baseline: { name: 'ed25519-verify', verificationsPerSec },
      rollup: { ...rollup, byGroup },
      batchLatency,
      nodeCpuMsPerBatch,
      pgCpuMsPerBatch,
      hostBusyPct,
      shape,
      concurrency,
    };
  } finally {
    federation.close();
    await db.end().catch(() => undefined);
    await node.close();
  }
}

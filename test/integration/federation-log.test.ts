/**
 * The event log in a real PostgreSQL: what it stores and answers must equal the in-memory RFC 9162
 * functions at every size, each answer must be one statement over O(log n) rows, and the tables
 * must refuse to change anything already written.
 */
import { expect } from 'chai';
import pg from 'pg';
import { LOG_SCHEMA_DROP_SQL, LOG_SCHEMA_SQL } from '../../federation/log/log-schema.sql.ts';
import {
  appendLeaves,
  consistencyProofBetween,
  inclusionProofAt,
  rootAt,
  treeSize,
} from '../../federation/log/log-store.ts';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../federation/log/merkle.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import type { SqlRunner } from '../../federation/sql-runner.ts';

/** The adapter the node writes at wiring time, here over one pg client. */
function runnerOf(client: pg.ClientBase): SqlRunner {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await client.query(text, [...params]);
      return result.rows as Row[];
    },
  };
}

/** Counts statements and rows, and keeps the last statement, to show what an answer costs. */
function countingRunnerOf(client: pg.ClientBase) {
  const inner = runnerOf(client);
  const seen = { statements: 0, rows: 0, last: { text: '', params: [] as readonly unknown[] } };
  const sql: SqlRunner = {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      const rows = await inner.query<Row>(text, params);
      seen.statements += 1;
      seen.rows += rows.length;
      seen.last = { text, params };
      return rows;
    },
  };
  return { sql, seen, reset: () => Object.assign(seen, { statements: 0, rows: 0 }) };
}

/** One writer at a time, as the node does it: the append inside a transaction that holds the lock. */
async function appendUnderLock(client: pg.ClientBase, hashes: readonly Buffer[]) {
  await client.query('begin');
  try {
    await client.query(`select pg_advisory_xact_lock(hashtext('federation-event-log'))`);
    const result = await appendLeaves(runnerOf(client), hashes);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** The SQLSTATE and message of what `run` is refused with. */
async function refusal(run: () => Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await run();
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

/** A deterministic pseudo-random integer in [0, below). */
function prng(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 48271) % 2147483647;
    return Math.floor((state / 2147483647) * below);
  };
}

const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));
const N = 5000;
const HASHES = Array.from({ length: N }, (_, i) => leafHash(Buffer.from(JSON.stringify({ eventId: `e-${i}` }))));

describe('integration: federation event log (PostgreSQL)', function () {
  this.timeout(300000);
  let database: TestDatabase;
  let client: pg.Client;
  let sql: SqlRunner;

  before(async () => {
    database = await createTestDatabase('sv_fedlog');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(LOG_SCHEMA_SQL);
    sql = runnerOf(client);
  });
  after(async () => {
    await client?.end();
    await database?.drop();
  });

  it('starts empty: size 0, the empty-tree root, nothing past the end', async () => {
    expect(await treeSize(sql)).to.equal(0);
    expect((await rootAt(sql, 0)).equals(emptyRoot())).to.equal(true);
    expect(await consistencyProofBetween(sql, 0, 0)).to.deep.equal([]);
    expect(await appendLeaves(sql, [])).to.deep.equal({ firstIndex: 0, treeSize: 0 });
    expect((await refusal(() => rootAt(sql, 1))).message).to.match(/past the end/);
    expect((await refusal(() => inclusionProofAt(sql, 0, 1))).message).to.match(/past the end/);
    expect((await refusal(() => consistencyProofBetween(sql, 0, 1))).message).to.match(/past the end/);
  });

  it(`appends ${N} leaves in batches of uneven sizes, the root after each equal to rootOf`, async () => {
    const batches = [1, 1, 2, 3, 7, 16, 17, 100, 255, 256, 513, 1024, 1, 2804];
    expect(batches.reduce((a, b) => a + b)).to.equal(N);
    let at = 0;
    for (const size of batches) {
      const result = await appendUnderLock(client, HASHES.slice(at, at + size));
      expect(result).to.deep.equal({ firstIndex: at, treeSize: at + size });
      at += size;
      expect(await treeSize(sql)).to.equal(at);
      expect((await rootAt(sql, at)).toString('hex')).to.equal(rootOf(HASHES.slice(0, at)).toString('hex'));
    }
  });

  it('answers the root at every size to 300 and at 200 more sizes to 5000 as rootOf does', async () => {
    const next = prng(11);
    const sizes = [...Array.from({ length: 300 }, (_, i) => i), ...Array.from({ length: 200 }, () => 1 + next(N)), 511, 512, 513, 4095, 4096, 4097, N];
    for (const size of sizes) {
      expect((await rootAt(sql, size)).toString('hex'), `size ${size}`).to.equal(rootOf(HASHES.slice(0, size)).toString('hex'));
    }
  });

  it('answers inclusion proofs as merkle.ts makes them, and they verify against rootAt', async () => {
    const next = prng(23);
    const probes: [number, number][] = [];
    for (let size = 1; size <= 40; size++) for (let index = 0; index < size; index++) probes.push([index, size]);
    for (let k = 0; k < 250; k++) {
      const size = 1 + next(N);
      probes.push([next(size), size]);
    }
    probes.push([0, N], [N - 1, N], [4095, 4096], [4096, 4097], [2047, N]);
    for (const [index, size] of probes) {
      const proof = await inclusionProofAt(sql, index, size);
      expect(hex(proof), `${index} of ${size}`).to.deep.equal(hex(inclusionProof(HASHES, index, size)));
      expect(verifyInclusion(HASHES[index]!, index, size, proof, await rootAt(sql, size)), `${index} of ${size}`).to.equal(true);
    }
  });

  it('answers consistency proofs as merkle.ts makes them, and they verify against rootAt', async () => {
    const next = prng(37);
    const probes: [number, number][] = [];
    for (let newSize = 1; newSize <= 40; newSize++) for (let oldSize = 0; oldSize <= newSize; oldSize++) probes.push([oldSize, newSize]);
    for (let k = 0; k < 250; k++) {
      const newSize = 1 + next(N);
      probes.push([next(newSize + 1), newSize]);
    }
    probes.push([1, N], [N - 1, N], [4096, N], [4095, 4097], [N, N], [0, N]);
    for (const [oldSize, newSize] of probes) {
      const proof = await consistencyProofBetween(sql, oldSize, newSize);
      expect(hex(proof), `${oldSize} -> ${newSize}`).to.deep.equal(hex(consistencyProof(HASHES, oldSize, newSize)));
      const [oldRoot, newRoot] = [await rootAt(sql, oldSize), await rootAt(sql, newSize)];
      expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), `${oldSize} -> ${newSize}`).to.equal(true);
    }
  });

  it('answers each root and proof with one statement reading O(log n) rows', async () => {
    const { sql: counted, seen, reset } = countingRunnerOf(client);
    const depth = Math.ceil(Math.log2(N));
    const cases: [string, () => Promise<unknown>, number][] = [
      ['root', () => rootAt(counted, 4999), depth + 1],
      ['inclusion', () => inclusionProofAt(counted, 1234, 4999), 2 * depth + 1],
      ['consistency', () => consistencyProofBetween(counted, 3333, 4999), 3 * depth],
    ];
    for (const [name, run, rows] of cases) {
      reset();
      await run();
      expect(seen.statements, name).to.equal(1);
      expect(seen.rows, name).to.be.at.most(rows);
    }
  });

  it('refuses sizes past the end and indexes outside the tree, including the one leaf past the end', async () => {
    const refusals = [
      () => rootAt(sql, N + 1),
      () => inclusionProofAt(sql, 0, N + 1),
      // Every node of this proof exists; only the leaf itself does not.
      () => inclusionProofAt(sql, N, N + 1),
      () => inclusionProofAt(sql, N, N),
      () => consistencyProofBetween(sql, 10, N + 1),
      () => consistencyProofBetween(sql, N + 1, N + 1),
      () => consistencyProofBetween(sql, 0, N + 1),
      () => consistencyProofBetween(sql, 11, 10),
      () => rootAt(sql, -1),
      () => rootAt(sql, 1.5),
      () => inclusionProofAt(sql, -1, 10),
    ];
    for (const run of refusals) {
      const { message } = await refusal(run);
      expect(message).to.match(/past the end|not in a tree|non-negative integer|larger than/);
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE on both tables, and the log stays as it was', async () => {
    const before = await rootAt(sql, N);
    const statements = [
      `update "log_leaves" set "leaf_hash" = "leaf_hash" where "leaf_index" = 7`,
      `update "log_leaves" set "appended_at" = now()`,
      `delete from "log_leaves" where "leaf_index" = ${N - 1}`,
      `delete from "log_leaves" where false`,
      `truncate "log_leaves"`,
      `truncate "log_leaves", "log_nodes"`,
      `update "log_nodes" set "hash" = "hash" where "level" = 1 and "node_index" = 0`,
      `delete from "log_nodes" where "level" = 12`,
      `truncate "log_nodes"`,
      // An upsert fires the UPDATE statement trigger too.
      `insert into "log_leaves" ("leaf_index", "leaf_hash") values (7, decode(repeat('00', 32), 'hex'))
       on conflict ("leaf_index") do update set "leaf_hash" = excluded."leaf_hash"`,
    ];
    for (const statement of statements) {
      const { code, message } = await refusal(() => client.query(statement));
      expect(code, statement).to.equal('23001');
      expect(message, statement).to.match(/append-only/);
    }
    expect(await treeSize(sql)).to.equal(N);
    expect((await rootAt(sql, N)).equals(before)).to.equal(true);
  });

  it('refuses inserts that would leave a gap, overwrite a leaf or store a hash of another length', async () => {
    const hash = leafHash(Buffer.from('intruder'));
    const gap = await refusal(() => client.query(`insert into "log_leaves" ("leaf_index", "leaf_hash") values ($1, $2)`, [N + 1, hash]));
    expect(gap.code).to.equal('23001');
    expect(gap.message).to.match(/without gaps/);
    const holed = await refusal(() => client.query(`insert into "log_leaves" ("leaf_index", "leaf_hash") values ($1, $3), ($2, $3)`, [N, N + 2, hash]));
    expect(holed.code).to.equal('23001');
    expect((await refusal(() => client.query(`insert into "log_leaves" ("leaf_index", "leaf_hash") values (10, $1)`, [hash]))).code).to.equal('23505');
    expect((await refusal(() => client.query(`insert into "log_nodes" ("level", "node_index", "hash") values (1, 0, $1)`, [hash]))).code).to.equal('23505');
    expect((await refusal(() => client.query(`insert into "log_leaves" ("leaf_index", "leaf_hash") values ($1, '\\x00')`, [N]))).code).to.equal('23514');
    expect((await refusal(() => appendLeaves(sql, [Buffer.alloc(31)]))).message).to.match(/not 32 bytes/);
    expect(await treeSize(sql)).to.equal(N);
  });

  it('keeps two writers apart: under the lock the second waits and follows; without it the second fails', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      const extra = Array.from({ length: 6 }, (_, i) => leafHash(Buffer.from(`concurrent ${i}`)));
      // With the lock: both succeed, one after the other.
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtext('federation-event-log'))`);
      const first = await appendLeaves(sql, extra.slice(0, 2));
      const second = appendUnderLock(other, extra.slice(2, 3));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.query('commit');
      expect(first).to.deep.equal({ firstIndex: N, treeSize: N + 2 });
      expect(await second).to.deep.equal({ firstIndex: N + 2, treeSize: N + 3 });

      // Without it: the second reads the same size, collides on the primary key once the first
      // commits, and its transaction fails as a whole.
      await client.query('begin');
      await other.query('begin');
      await appendLeaves(sql, extra.slice(3, 5));
      const racing = refusal(() => appendLeaves(runnerOf(other), extra.slice(5, 6)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.query('commit');
      expect((await racing).code).to.equal('23505');
      await other.query('rollback');

      const all = [...HASHES, ...extra.slice(0, 5)];
      expect(await treeSize(sql)).to.equal(all.length);
      expect((await rootAt(sql, all.length)).equals(rootOf(all))).to.equal(true);
    } finally {
      await other.end();
    }
  });

  it('appends 100,000 leaves and still answers in one short statement (timings printed, not asserted)', async () => {
    const start = await treeSize(sql);
    const more = Array.from({ length: 100000 }, (_, i) => leafHash(Buffer.from(`bulk ${i}`)));
    const appendStarted = performance.now();
    for (let at = 0; at < more.length; at += 25000) await appendUnderLock(client, more.slice(at, at + 25000));
    const appendMs = performance.now() - appendStarted;
    const size = await treeSize(sql);
    expect(size).to.equal(start + more.length);

    const { sql: counted, seen } = countingRunnerOf(client);
    const readStarted = performance.now();
    const root = await rootAt(counted, size);
    const inclusion = await inclusionProofAt(counted, 54321, size);
    const consistency = await consistencyProofBetween(counted, 77777, size);
    const readMs = performance.now() - readStarted;

    // The leaves before: HASHES, then the few the concurrency test added.
    const added = await client.query<{ leaf_hash: Buffer }>(
      `select "leaf_hash" from "log_leaves" where "leaf_index" >= $1 and "leaf_index" < $2 order by "leaf_index"`,
      [N, start],
    );
    const all = [...HASHES, ...added.rows.map((row) => row.leaf_hash), ...more];
    expect(all).to.have.length(size);
    expect(root.equals(rootOf(all))).to.equal(true);
    expect(verifyInclusion(all[54321]!, 54321, size, inclusion, root)).to.equal(true);
    expect(verifyConsistency(77777, size, await rootAt(sql, 77777), root, consistency)).to.equal(true);

    // The node lookup is primary-key probes, not a scan, at this size.
    await client.query('analyze "log_leaves"; analyze "log_nodes"');
    const plan = await client.query<{ 'QUERY PLAN': string }>(`explain ${seen.last.text}`, [...seen.last.params]);
    const planText = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(planText).to.match(/Index Scan using log_leaves_pkey/);
    expect(planText).not.to.match(/Seq Scan on log_(leaves|nodes)/);

    const rows = await client.query<{ leaves: string; nodes: string }>(
      `select (select count(*) from "log_leaves")::text as leaves, (select count(*) from "log_nodes")::text as nodes`,
    );
    console.log(
      `      appended 100,000 leaves in ${appendMs.toFixed(0)} ms (4 transactions of 25,000);` +
        ` root + inclusion + consistency at ${size} leaves in ${readMs.toFixed(1)} ms, ${seen.statements} statements, ${seen.rows} rows;` +
        ` tables hold ${rows.rows[0]?.leaves} leaves and ${rows.rows[0]?.nodes} nodes`,
    );
  });

  it('drops cleanly with the down DDL', async () => {
    await client.query(LOG_SCHEMA_DROP_SQL);
    const left = await client.query(`select count(*)::int as n from pg_class where relname in ('log_leaves', 'log_nodes')`);
    expect(left.rows[0]).to.deep.equal({ n: 0 });
  });
});

/**
 * End to end, the failures of PROTOCOL.md on four real node processes that share a
 * private redis-server: a parent that is down, a child killed mid-sync, a batch delivered twice,
 * and Redis restarted (empty). After each: nothing lost, nothing counted twice, batches in order,
 * and delivery resumed by itself (only the schedulers sync; the tests never trigger a run).
 */
import { expect } from 'chai';
import pg from 'pg';
import { accepted, postAccepted, postEvents } from '../support/api-fixtures.ts';
import type { NodeProcess } from '../support/node-process.ts';
import {
  COUNTY_A, COUNTY_B, SHARED_ITEM, expectConverged, rollupOf, startTopology, statusOf, waitUntil, type ExpectedFlows, type Topology,
} from './federation-topology.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

async function rows<T>(node: NodeProcess, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: node.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('e2e: federation failures (real processes, private Redis)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let topology: Topology;
  // Cases posted so far, per county: every one is accepted in March and left open.
  const posted: Record<string, number> = { [COUNTY_A]: 0, [COUNTY_B]: 0 };
  const expected = (): Record<string, ExpectedFlows> => ({
    [COUNTY_A]: { accepted: posted[COUNTY_A]!, notAccepted: 0, concluded: 0 },
    [COUNTY_B]: { accepted: posted[COUNTY_B]!, notAccepted: 0, concluded: 0 },
  });
  let serial = 0;
  /** `count` new open cases for `county`, accepted on March working days. */
  const newCases = (county: NodeProcess, count: number) => Array.from({ length: count }, () => {
    serial += 1;
    const day = String(2 + (serial % 5)).padStart(2, '0'); // 03-02 .. 03-06, Monday to Friday
    return accepted(`${county.code}-F-${serial}`, `2026-03-${day}T09:${String(serial % 60).padStart(2, '0')}:00+08:00`, SHARED_ITEM, `${county.code}-SPJ`);
  });
  const feed = async (county: NodeProcess, count: number): Promise<unknown[]> => {
    const events = newCases(county, count);
    await postAccepted(county, events);
    posted[county.code]! += count;
    return events;
  };

  /**
   * The parent holds the county's batches 1..n exactly once each, received in sequence order,
   * each the very batch the county keeps in its outbox (same hash), and the county's outbox is
   * all acknowledged.
   */
  async function expectDeliveredInOrder(county: NodeProcess, parent: NodeProcess): Promise<void> {
    const outbox = await rows<{ sequence: string; batch_hash: string; acked: boolean }>(county,
      'SELECT sequence, batch_hash, acked_at IS NOT NULL AS acked FROM outbox_batches ORDER BY sequence');
    const inbox = await rows<{ sequence: string; batch_hash: string }>(parent,
      'SELECT sequence, batch_hash FROM inbox_batches WHERE node_code = $1 ORDER BY received_at, sequence', [county.code]);
    expect(outbox.every((row) => row.acked), `${county.code} outbox all acknowledged`).to.equal(true);
    expect(inbox.map((row) => Number(row.sequence)), `${parent.code} received ${county.code}'s batches once each, in order`)
      .to.deep.equal(outbox.map((_, index) => index + 1));
    expect(inbox.map((row) => row.batch_hash)).to.deep.equal(outbox.map((row) => row.batch_hash));
  }

  async function expectAllDelivered(): Promise<void> {
    const { province, city, countyA, countyB } = topology;
    // Converged rollups can precede the last acknowledgement by a moment (the receipt is in flight).
    await waitUntil('every outbox is acknowledged', topology.all, async (note) => {
      const pending = await Promise.all([city, countyA, countyB].map(async (node) => (await statusOf(node)).parent.pendingBatches));
      note(pending);
      return pending.every((count) => count === 0) ? true : undefined;
    });
    for (const county of [countyA, countyB]) await expectDeliveredInOrder(county, city);
    await expectDeliveredInOrder(city, province);
    // The province got each county's batches forwarded, verified and in order too.
    for (const county of [countyA, countyB]) {
      const atProvince = await rows<{ sequence: string }>(province, 'SELECT sequence FROM inbox_batches WHERE node_code = $1 ORDER BY received_at, sequence', [county.code]);
      const atCity = await rows<{ sequence: string }>(city, 'SELECT sequence FROM inbox_batches WHERE node_code = $1 AND forwarded_in IS NOT NULL ORDER BY sequence', [county.code]);
      expect(atProvince.map((row) => Number(row.sequence))).to.deep.equal(atCity.map((row) => Number(row.sequence)));
    }
  }

  before(async () => {
    redis = await startRedisServer();
    topology = await startTopology(redis.url);
    await feed(topology.countyA, 3);
    await feed(topology.countyB, 2);
    await expectConverged(topology, expected());
  });
  after(async () => {
    await topology?.close();
    await redis?.stop('SIGTERM');
  });

  it('parent down: batches wait in the outbox with the error, then go up in order once the city is back', async () => {
    const { city, countyA } = topology;
    expect(await city.stop(), `the city stops cleanly on SIGTERM:\n${city.output().slice(-6000)}`).to.equal(0);
    await feed(countyA, 2);
    await waitUntil('the county holds a pending batch and says why', topology.all, async (note) => {
      const status = await statusOf(countyA);
      note(status.parent);
      return status.parent.pendingBatches >= 1 && /PEER_UNREACHABLE/.test(status.parent.lastError ?? '') ? true : undefined;
    });
    await feed(countyA, 3);
    await waitUntil('a second batch waits behind the first', topology.all, async (note) => {
      const status = await statusOf(countyA);
      note(status.parent);
      return status.parent.pendingBatches >= 2 ? true : undefined;
    });
    // A few more intervals: the scheduler keeps trying the oldest batch and builds nothing new.
    await sleep(3000);
    const waiting = await rows<{ sequence: string; attempts: number }>(countyA, 'SELECT sequence, attempts FROM outbox_batches WHERE acked_at IS NULL ORDER BY sequence');
    expect(waiting.length).to.equal((await statusOf(countyA)).parent.pendingBatches);
    expect(waiting[0]!.attempts, 'the oldest batch was retried').to.be.greaterThan(1);
    expect(waiting.slice(1).every((row) => row.attempts === 0), 'later batches wait behind the oldest').to.equal(true);

    await city.restart();
    await expectConverged(topology, expected());
    await expectAllDelivered();
    expect((await statusOf(countyA)).parent).to.include({ pendingBatches: 0, lastError: null });
  });

  it('child killed (kill -9) right after ingest or during a sync: restarted, everything arrives once', async () => {
    const { countyB } = topology;
    for (const delayMs of [0, 300, 700, 1100]) {
      const events = await feed(countyB, 4);
      await sleep(delayMs);
      await countyB.kill9();
      await countyB.restart();
      // The business system was not sure its last post went through and sends it again.
      const again = await postEvents(countyB, events);
      expect(again, `resent after the crash (delay ${delayMs} ms)`).to.include({ accepted: 0, duplicates: events.length, rejected: 0 });
    }
    await expectConverged(topology, expected());
    await expectAllDelivered();
    const cases = await rows<{ n: number }>(countyB, 'SELECT count(*)::int AS n FROM cases');
    expect(cases[0]!.n).to.equal(posted[COUNTY_B]);
  });

  it('a batch delivered twice: the same receipt, duplicate: true, nothing counted again', async () => {
    const { province, city, countyA } = topology;
    const before = await Promise.all([city, province].map((node) => rollupOf(node, 'department', '2026-01-01', '2028-12-31')));
    const acknowledged = await rows<{ sequence: string; jws: string; receipt_jws: string }>(countyA,
      'SELECT sequence, jws, receipt_jws FROM outbox_batches WHERE acked_at IS NOT NULL ORDER BY sequence');
    expect(acknowledged.length).to.be.at.least(2);
    for (const batch of [acknowledged[0]!, acknowledged.at(-1)!]) {
      const answer = await fetch(`${city.url}/federation/v1/batches`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: batch.jws }),
      });
      const body = await answer.json() as { receipt: string; duplicate: boolean };
      expect(answer.status, JSON.stringify(body)).to.equal(200);
      expect(body.duplicate, `sequence ${batch.sequence}`).to.equal(true);
      expect(body.receipt, `sequence ${batch.sequence}: the receipt given the first time`).to.equal(batch.receipt_jws);
    }
    // The county is not the province's child: its batch is not taken there directly.
    const direct = await fetch(`${province.url}/federation/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: acknowledged[0]!.jws }),
    });
    expect(direct.status).to.equal(403);
    expect(((await direct.json()) as { error: { code: string } }).error.code).to.equal('UNKNOWN_NODE');

    const after = await Promise.all([city, province].map((node) => rollupOf(node, 'department', '2026-01-01', '2028-12-31')));
    expect(after).to.deep.equal(before);
    await expectConverged(topology, expected());
    await expectAllDelivered();
  });

  it('Redis restarted empty: the nodes reconnect, the schedulers keep syncing, nothing lost or doubled', async () => {
    const { province, countyA, countyB } = topology;
    const sequenceBefore = (await statusOf(countyA)).parent.lastBatchSequence as number;
    await redis.stop('SIGKILL');
    // Ingest needs PostgreSQL only: cases keep coming in while Redis is away.
    await feed(countyA, 2);
    await sleep(2500);
    await redis.start();
    await feed(countyB, 2);
    await feed(countyA, 1);
    await expectConverged(topology, expected(), 45_000);
    await expectAllDelivered();
    expect((await statusOf(countyA)).parent.lastBatchSequence).to.be.greaterThan(sequenceBefore);
    for (const node of topology.all) {
      const health = await fetch(`${node.url}/health`);
      expect(health.status, `${node.code} healthy again`).to.equal(200);
    }
    // Still syncing on schedule afterwards, not just once.
    await feed(countyB, 1);
    await expectConverged(topology, expected());
    const byNode = await rollupOf(province, 'node', '2026-03-01', '2026-03-31');
    expect(byNode.items.map((item) => [item.key, item.accepted])).to.deep.equal([[COUNTY_A, posted[COUNTY_A]], [COUNTY_B, posted[COUNTY_B]]]);
  });
});

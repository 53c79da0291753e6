/**
 * The rate limits when Redis goes away: counting falls back to the node's memory with the same
 * limits, so /health still answers at once and tells the truth (503, Redis down) instead of
 * hanging or being refused, a flood still meets its limit, and once Redis is back the counting
 * returns to it. The node runs as a process: after a Redis restart it is killed, not stopped
 * gracefully (graceful shutdown after an outage is another test's subject).
 */
import { expect } from 'chai';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

async function health(node: NodeProcess): Promise<{ status: number; ms: number; body: any }> {
  const started = performance.now();
  const response = await fetch(`${node.url}/health`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, ms: performance.now() - started, body: await response.json() };
}

describe('e2e: rate limits while Redis is down', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let node: NodeProcess;

  before(async () => {
    redis = await startRedisServer();
    // High enough for the start-up probes, which count in Redis; the outage starts counting afresh in memory.
    node = await startNodeProcess({ code: '610203', level: 'county', redisUrl: redis.url, env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '4', SYNC_INTERVAL_SECONDS: '86400' } });
  });

  after(async () => {
    await node?.kill9();
    await node?.close();
    await redis?.stop();
  });

  it('keeps /health answering and truthful, and the limit held in memory', async () => {
    await redis.stop();
    const down = [];
    for (let call = 0; call < 4; call++) down.push(await health(node));
    for (const answer of down) {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(503);
      expect(answer.body.redis.ok).to.equal(false);
      expect(answer.body.database).to.deep.equal({ ok: true });
      expect(answer.ms, 'answered without waiting for Redis').to.be.below(3000);
    }
    const limited = await health(node);
    expect([limited.status, limited.body.error?.code]).to.deep.equal([429, 'RATE_LIMITED']);

    await redis.start();
    // Back in Redis (which restarted empty): a new window, and the probe reports Redis healthy again.
    const deadline = Date.now() + 30_000;
    let back = await health(node);
    while (back.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await health(node);
    }
    expect([back.status, back.body.redis]).to.deep.equal([200, { ok: true }]);
  });
});

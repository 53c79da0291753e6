/**
 * `npm start` as an operator runs it: a real process, configured by the environment, that refuses
 * to start without ADMIN_TOKEN, migrates an empty database on start, and stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import pg from 'pg';
import { createTestDatabase, REDIS_URL, uniqueQueuePrefix, type TestDatabase } from '../support/test-database.ts';

const MAIN = new URL('../../node/main.ts', import.meta.url).pathname;

function runNode(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return { child, output: () => output };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('node process (npm start)', function () {
  this.timeout(60000);
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database.drop();
  });

  it('refuses to start without ADMIN_TOKEN, saying why, with exit code 2', async () => {
    const { child, output } = runNode({ DATABASE_URL: database.url, NODE_CODE: '610203' });
    const [code] = await once(child, 'exit');
    expect(code).to.equal(2);
    expect(output()).to.match(/ADMIN_TOKEN is not set/);
  });

  it('migrates on start, serves /health, and exits 0 on SIGTERM', async () => {
    const { child, output } = runNode({
      ADMIN_TOKEN: 'process-test-token-0123456789', DATABASE_URL: database.appUrl, DATABASE_OWNER_URL: database.url, REDIS_URL, NODE_CODE: '610203',
      PORT: '0', QUEUE_PREFIX: uniqueQueuePrefix('proc'), LOG_LEVEL: 'info', NODE_KEY_SECRET: 'process-test-key-secret-0123',
    });
    const url = await waitFor(() => /"url":"(http:\/\/[^"]+)"/.exec(output())?.[1], 30000);
    const health = await fetch(`${url}/health`);
    expect(health.status).to.equal(200);
    const healthBody = await health.json() as { node: { code: string }; auditTrail: { appendOnlyByRole: boolean } };
    expect(healthBody.node.code).to.equal('610203');
    // Run as the app role with DATABASE_OWNER_URL: the audit trail cannot be rewritten by the node.
    expect(healthBody.auditTrail).to.deep.equal({ appendOnlyByRole: true });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const tables = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('cases', 'case_events', 'rejections', 'items', 'departments', 'calendar_years', 'imports', 'time_policies')");
    const years = await client.query('SELECT year FROM calendar_years ORDER BY year');
    await client.end();
    expect(tables.rows[0].n).to.equal(8);
    expect(years.rows.map((row: { year: number }) => row.year)).to.deep.equal([2024, 2025, 2026]);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
    expect(output()).to.match(/shutting down/);
  });
});

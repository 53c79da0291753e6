/**
 * `npm run demo`: a county supervision node with a realistic catalog and a simulator that keeps
 * feeding cases. Embedded PostgreSQL unless DATABASE_URL is set; Redis at REDIS_URL (started from
 * the PATH when nothing answers). Runs until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { loadSettings } from '../config/settings.ts';
import { startNode } from '../server.ts';
import { CaseSimulator } from './simulator.ts';
import { DEMO_COUNTY_CODE, DEMO_COUNTY_NAME } from './catalog.ts';
import { ensureDatabase, ensureRedis, startEmbeddedPostgres, type RunningService } from './embedded-services.ts';

const say = (line: string): void => console.log(line);
const stops: (() => Promise<void>)[] = [];

async function shutdown(code: number): Promise<never> {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(String(error)));
  process.exit(code);
}

try {
  const env = process.env;
  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl) await ensureDatabase(databaseUrl);
  else {
    const dataDir = new URL('../../.data/demo-postgres', import.meta.url).pathname;
    const postgres: RunningService = await startEmbeddedPostgres(dataDir, Number(env.DEMO_PG_PORT ?? 54329), 'supervision_demo', say);
    stops.push(postgres.stop);
    databaseUrl = postgres.url;
  }
  const redis = await ensureRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', say);
  stops.push(redis.stop);

  const adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('hex');
  const settings = loadSettings({
    ...env, ADMIN_TOKEN: adminToken, DATABASE_URL: databaseUrl, REDIS_URL: redis.url,
    NODE_CODE: env.NODE_CODE ?? DEMO_COUNTY_CODE, NODE_LEVEL: env.NODE_LEVEL ?? 'county',
    NODE_NAME: env.NODE_NAME ?? `${DEMO_COUNTY_NAME}电子监察节点`, PORT: env.PORT ?? '8080', LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  const node = await startNode(settings);
  stops.push(() => node.close());

  const simulator = new CaseSimulator({
    baseUrl: node.url, token: adminToken, seed: Number(env.DEMO_SEED ?? 20261125),
    casesPerWorkday: Number(env.DEMO_CASES_PER_DAY ?? 300), log: say,
  });
  stops.push(() => simulator.stop());
  await simulator.start();

  const auth = `-H "Authorization: Bearer ${adminToken}"`;
  say('');
  say(`监察节点已就绪 (node ready): ${settings.nodeName} ${settings.nodeCode}`);
  say(`  URL:   ${node.url}`);
  say(`  Token: ${adminToken}`);
  say('试一试 (try):');
  say(`  curl ${node.url}/health`);
  say(`  curl ${auth} ${node.url}/api/v1/board`);
  say(`  curl ${auth} '${node.url}/api/v1/cases?light=red&limit=5'`);
  say(`  curl ${auth} ${node.url}/api/v1/rejections`);
  say('按 Ctrl-C 停止 (Ctrl-C stops the demo).');

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));
} catch (error) {
  console.error(`演示无法启动 (demo cannot start): ${(error as Error).message}`);
  await shutdown(1);
}

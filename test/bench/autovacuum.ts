/**
 * Autovacuum, played by the benchmark. The CI server runs with `autovacuum = off`
 * (/etc/postgresql/15/main/conf.d/90-ci.conf), while a production PostgreSQL (docker/compose.yml)
 * keeps the default: tables never get statistics and dead index entries are never cleaned, and the
 * figures would describe a server nobody runs. So every naptime this module does what the launcher
 * would do for the bench database: it reads the server's own autovacuum_* thresholds, and VACUUMs
 * or ANALYZEs each table past them, with autovacuum's cost-based throttling.
 * Off unless BENCH_AUTOVACUUM=1 (runs then stay comparable with the server as it is configured);
 * BENCH_AUTOVACUUM_NAPTIME overrides the naptime (seconds).
 */
import pg from 'pg';
import { progress } from './support.ts';

interface Thresholds {
  naptime: number;
  vacuumThreshold: number;
  vacuumScale: number;
  insertThreshold: number;
  insertScale: number;
  analyzeThreshold: number;
  analyzeScale: number;
  costDelay: string;
  costLimit: number;
}

interface TableCounts {
  relname: string;
  reltuples: number;
  n_dead_tup: string;
  n_ins_since_vacuum: string;
  n_mod_since_analyze: string;
}

export interface AutovacuumEmulation {
  /** 'emulated' or 'off', for the result line. */
  mode: 'emulated' | 'off';
  /** What it ran, e.g. `VACUUM ANALYZE case_events at 61 s (3.2 s)`. */
  actions: string[];
  stop(): Promise<void>;
}

async function readThresholds(client: pg.Client): Promise<Thresholds> {
  const result = await client.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name LIKE 'autovacuum%' OR name IN ('vacuum_cost_limit')");
  const setting = (name: string): string => result.rows.find((row) => row.name === name)?.setting ?? '';
  const costLimit = Number(setting('autovacuum_vacuum_cost_limit'));
  return {
    naptime: Number(process.env.BENCH_AUTOVACUUM_NAPTIME ?? setting('autovacuum_naptime')),
    vacuumThreshold: Number(setting('autovacuum_vacuum_threshold')),
    vacuumScale: Number(setting('autovacuum_vacuum_scale_factor')),
    insertThreshold: Number(setting('autovacuum_vacuum_insert_threshold')),
    insertScale: Number(setting('autovacuum_vacuum_insert_scale_factor')),
    analyzeThreshold: Number(setting('autovacuum_analyze_threshold')),
    analyzeScale: Number(setting('autovacuum_analyze_scale_factor')),
    costDelay: setting('autovacuum_vacuum_cost_delay'),
    costLimit: costLimit > 0 ? costLimit : Number(setting('vacuum_cost_limit')),
  };
}

/** Starts the emulation on `databaseUrl` (a no-op when the server runs autovacuum itself or BENCH_AUTOVACUUM=0). */
export async function startAutovacuum(databaseUrl: string): Promise<AutovacuumEmulation> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const serverRunsIt = (await client.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")).rows[0]?.setting === 'on';
  if (serverRunsIt || process.env.BENCH_AUTOVACUUM !== '1') {
    await client.end();
    return { mode: 'off', actions: [], stop: async () => undefined };
  }
  const limits = await readThresholds(client);
  // Autovacuum workers sleep costDelay ms after every costLimit units of work.
  await client.query(`SET vacuum_cost_delay = ${Number(limits.costDelay)}`);
  await client.query(`SET vacuum_cost_limit = ${limits.costLimit}`);
  const started = performance.now();
  const actions: string[] = [];
  let running: Promise<void> = Promise.resolve();
  let stopping = false;

  const visit = async (): Promise<void> => {
    const tables = await client.query<TableCounts>(`SELECT s.relname, c.reltuples, s.n_dead_tup, s.n_ins_since_vacuum, s.n_mod_since_analyze
      FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid ORDER BY s.relname`);
    for (const table of tables.rows) {
      if (stopping) return;
      const tuples = Math.max(0, table.reltuples);
      const vacuum = Number(table.n_dead_tup) > limits.vacuumThreshold + limits.vacuumScale * tuples
        || Number(table.n_ins_since_vacuum) > limits.insertThreshold + limits.insertScale * tuples;
      const analyze = Number(table.n_mod_since_analyze) > limits.analyzeThreshold + limits.analyzeScale * tuples;
      if (!vacuum && !analyze) continue;
      const command = vacuum ? (analyze ? 'VACUUM (ANALYZE)' : 'VACUUM') : 'ANALYZE';
      const at = (performance.now() - started) / 1000;
      const begun = performance.now();
      await client.query(`${command} "${table.relname}"`);
      const action = `${command} ${table.relname} at ${at.toFixed(0)} s (${((performance.now() - begun) / 1000).toFixed(1)} s)`;
      actions.push(action);
      progress(`autovacuum (emulated): ${action}`);
    }
  };
  const timer = setInterval(() => {
    running = running.then(() => (stopping ? undefined : visit())).catch((error: unknown) => {
      if (!stopping) progress(`autovacuum (emulated) failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, limits.naptime * 1000);
  progress(`autovacuum (emulated, the server has it off): every ${limits.naptime} s, thresholds as configured`);

  return {
    mode: 'emulated',
    actions,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      // A VACUUM in progress is cancelled rather than waited for.
      const canceller = new pg.Client({ connectionString: databaseUrl });
      await canceller.connect();
      try {
        await canceller.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~ '^(VACUUM|ANALYZE)'`);
      } finally {
        await canceller.end();
      }
      await running;
      await client.end();
    },
  };
}

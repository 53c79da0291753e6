/**
 * `npm run bench -- query`: a million cases loaded through POST /api/v1/events, then sequential
 * latency of one case's verdict, of red-light lists (plain, by department, paged with the cursor)
 * and of the board, all at one fixed `?at=`; baseline: a bare Koa route on the same client.
 *
 * Knobs (environment): BENCH_QUERY_CASES (default 1,000,000; 50,000 with --quick), BENCH_CONCURRENCY (3), BENCH_SEED,
 * BENCH_NODE_ARGS (extra flags for the node).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { DEMO_DEPARTMENTS } from '../../node/demo/catalog.ts';
import { loadCatalog, queryWorkload, requestBodies, sendBodies } from './dataset.ts';
import { startAutovacuum, type AutovacuumEmulation } from './autovacuum.ts';
import {
  envInt, eventLogCaughtUp, freePort, HttpClient, latencyOf, progress, REPO_ROOT, sampleCalls, sizeKnob, startBenchNode, stopChild, timeCalls,
  waitForHttp, type BenchOptions, type Latency,
} from './support.ts';

/** The question instant: a Monday morning, after every event but a few. */
const AT = '2026-03-02T10:00:00+08:00';
const VERDICT_CALLS = 2_000;
const LIST_CALLS = 100;
const BOARD_CALLS = 60;
const WARMUP = 20;

export interface QueryResult {
  bench: 'query';
  cases: number;
  at: string;
  caseVerdict: Latency;
  caseList: Latency & { variants: Record<string, Latency> };
  board: Latency;
  baseline: { name: 'bare-koa' } & Latency;
  load: { events: number; seconds: number; eventsPerSec: number; changedAfterAt: number; autovacuum: 'emulated' | 'off' };
  boardCounts: { open: number; green: number; yellow: number; red: number; paused: number; yellowCards: number; redCards: number };
}

interface Page {
  items: { caseNo: string; light: string | null }[];
  nextCursor: string | null;
}

interface BoardAnswer {
  overall: QueryResult['boardCounts'];
}

/** A deterministic pick of `count` indexes below `n`. */
function sample(count: number, n: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % n;
  });
}

async function bareKoaLatency(calls: number): Promise<Latency> {
  const port = await freePort();
  const child = spawn(process.execPath, ['test/bench/bare-koa.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const client = new HttpClient(url, { authorization: 'Bearer bench' });
  try {
    await waitForHttp(url, '/ping', child);
    return await timeCalls(calls, async () => {
      await client.json('GET', '/ping');
    }, WARMUP);
  } finally {
    client.close();
    await stopChild(child);
  }
}

export async function runQuery(options: BenchOptions): Promise<QueryResult> {
  const cases = sizeKnob('BENCH_QUERY_CASES', options, 1_000_000, 50_000);
  const concurrency = envInt('BENCH_CONCURRENCY', 3);
  const seed = envInt('BENCH_SEED', 20250603);
  const at = encodeURIComponent(AT);

  progress(`query: generating ${cases} cases (seed ${seed})`);
  const workload = queryWorkload(seed, cases, new Date(AT));
  const bodies = requestBodies(workload.events, 5_000);
  const total = workload.events.length;
  workload.events.length = 0;

  const node = await startBenchNode('query');
  const db = new pg.Client({ connectionString: node.database.url });
  let autovacuum: AutovacuumEmulation | null = null;
  try {
    await db.connect();
    await loadCatalog(node.api);
    autovacuum = await startAutovacuum(node.database.url);
    progress(`query: loading ${total} events in ${bodies.length} requests, ${concurrency} in flight`);
    const sent = await sendBodies(node.api, bodies, concurrency, 'query load');
    bodies.length = 0;
    const eventsPerSec = Math.round(sent.accepted / sent.seconds);
    progress(`query: loaded ${sent.accepted} events (${sent.rejected} rejected) in ${sent.seconds.toFixed(1)} s = ${eventsPerSec} events/s`);
    const counts = await db.query<{ events: string; cases: string; rejections: string }>(`SELECT
      (SELECT count(*) FROM case_events) AS events, (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM rejections) AS rejections`);
    const row = counts.rows[0];
    if (!row || Number(row.events) !== total || Number(row.cases) !== cases || Number(row.rejections) !== 0) {
      throw new Error(`query load verification failed: ${JSON.stringify(row)}, expected ${total} events and ${cases} cases`);
    }
    // Measure a settled node: its event log caught up, the tables vacuumed and analyzed as
    // autovacuum would leave them after a bulk load, so every run measures the same plans.
    await eventLogCaughtUp(db);
    await autovacuum.stop();
    progress('query: VACUUM ANALYZE');
    await db.query('VACUUM (ANALYZE) cases, case_events, open_timeline_counts');

    const board = await node.api.json<BoardAnswer>('GET', `/api/v1/board?at=${at}`);
    progress(`query: board at ${AT}: ${JSON.stringify(board.overall)}`);

    const picks = sample(VERDICT_CALLS + WARMUP, workload.caseNos.length, seed);
    progress(`query: GET /api/v1/cases/{caseNo} x ${VERDICT_CALLS}`);
    const caseVerdict = await timeCalls(VERDICT_CALLS, async (i) => {
      const caseNo = workload.caseNos[picks[i]!]!;
      await node.api.json('GET', `/api/v1/cases/${caseNo}?at=${at}`);
    }, WARMUP);
    progress(`query: case verdict ${JSON.stringify(caseVerdict)}`);

    const variants: Record<string, Latency> = {};
    const redSamples: number[] = [];
    const list = async (name: string, calls: number, path: (i: number, previous: Page | null) => string): Promise<void> => {
      let previous: Page | null = null;
      const samples = await sampleCalls(calls, async (i) => {
        previous = await node.api.json<Page>('GET', path(i, previous));
      }, 5);
      if (name.startsWith('red')) redSamples.push(...samples);
      variants[name] = latencyOf(samples);
      progress(`query: list ${name} ${JSON.stringify(variants[name])}`);
    };
    const departments = DEMO_DEPARTMENTS.map((d) => d.code);
    await list('red', LIST_CALLS, () => `/api/v1/cases?light=red&limit=50&at=${at}`);
    await list('redByDepartment', LIST_CALLS, (i) => `/api/v1/cases?light=red&limit=50&departmentCode=${departments[i % departments.length]}&at=${at}`);
    // One walk through the red cases, 50 at a time, each page from the previous page's cursor.
    await list('redWithCursor', LIST_CALLS, (_i, previous) => `/api/v1/cases?light=red&limit=50&at=${at}${previous?.nextCursor ? `&cursor=${previous.nextCursor}` : ''}`);
    // Less common lights: the database must look further for 50 matches.
    await list('yellow', 30, () => `/api/v1/cases?light=yellow&limit=50&at=${at}`);
    await list('paused', 30, () => `/api/v1/cases?light=paused&limit=50&at=${at}`);
    await list('green', 30, () => `/api/v1/cases?light=green&limit=50&at=${at}`);

    progress(`query: GET /api/v1/board x ${BOARD_CALLS}`);
    const boardLatency = await timeCalls(BOARD_CALLS, async () => {
      await node.api.json('GET', `/api/v1/board?at=${at}`);
    }, 3);
    progress(`query: board ${JSON.stringify(boardLatency)}`);

    progress(`query: bare Koa baseline x ${VERDICT_CALLS}`);
    const baseline = await bareKoaLatency(VERDICT_CALLS);
    progress(`query: baseline ${JSON.stringify(baseline)}`);

    return {
      bench: 'query',
      cases,
      at: AT,
      caseVerdict,
      caseList: { ...latencyOf(redSamples), variants },
      board: boardLatency,
      baseline: { name: 'bare-koa', ...baseline },
      load: { events: sent.accepted, seconds: Math.round(sent.seconds * 10) / 10, eventsPerSec, changedAfterAt: workload.changedAfterAt, autovacuum: autovacuum.mode },
      boardCounts: board.overall,
    };
  } finally {
    await autovacuum?.stop();
    await db.end().catch(() => undefined);
    await node.close();
  }
}

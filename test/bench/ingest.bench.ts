/**
 * `npm run bench -- ingest`: demo case histories posted through POST /api/v1/events to a real node,
 * against a raw COPY of the same rows into an unlogged scratch table of the same database.
 *
 * Besides the whole run it reports the rate and CPU per event of the first and the last tenth of
 * the requests (`tenths.ts`): with the data growing from empty to a million events, a cost per
 * event that grows shows as a last tenth slower than the first.
 *
 * Knobs (environment): BENCH_INGEST_CASES (default 200,000; 20,000 with --quick), BENCH_BATCH (5,000),
 * BENCH_CONCURRENCY (3), BENCH_SEED, BENCH_NODE_ARGS (extra flags for the node, e.g. --cpu-prof).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DemoCaseEvent } from '../../node/demo/case-scenarios.ts';
import { ingestWorkload, loadCatalog, requestBodies, sendBodies } from './dataset.ts';
import { startAutovacuum, type AutovacuumEmulation } from './autovacuum.ts';
import {
  envInt, eventLogCaughtUp, hostCpuTicks, postgresCpu, postgresCpuDelta, progress, sizeKnob, startBenchNode, type BenchOptions,
} from './support.ts';
import { TenthsProbe, type Tenths } from './tenths.ts';

export interface IngestResult {
  bench: 'ingest';
  events: number;
  seconds: number;
  eventsPerSec: number;
  baseline: { name: 'pg-copy'; rowsPerSec: number };
  ratio: number;
  /** Peak resident set size of the node process over the whole run (VmHWM), in MB. */
  rssMB: number | null;
  /** The first and the last tenth of the requests; null for fewer than 3 requests. */
  tenths: Tenths | null;
  /** Node process CPU per event, in microseconds. */
  nodeCpuUsPerEvent: number | null;
  /** CPU of the PostgreSQL processes serving the node (and its WAL and checkpoint writers) per event, in microseconds. */
  pgCpuUsPerEvent: number;
  /** Share of the host's CPU (both cores) busy during the timed run, anything included. */
  hostBusyPct: number;
  /** The node appends accepted events to its Merkle event log after answering: when that caught up. */
  eventLog: { loggedSeconds: number; loggedPerSec: number } | null;
  autovacuum: 'emulated' | 'off';
  cases: number;
  batch: number;
  concurrency: number;
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The same rows the node stores (eventId, caseNo, type, occurredAt, payload), as COPY text chunks. */
function copyChunks(events: readonly DemoCaseEvent[], rowsPerChunk = 5_000): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < events.length; i += rowsPerChunk) {
    let text = '';
    for (const event of events.slice(i, i + rowsPerChunk)) {
      text += `${copyText(event.eventId)}\t${copyText(event.caseNo)}\t${event.type}\t${event.occurredAt}\t${copyText(JSON.stringify(event))}\n`;
    }
    chunks.push(Buffer.from(text, 'utf8'));
  }
  return chunks;
}

async function scalar(client: pg.Client, sql: string): Promise<number> {
  const result = await client.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n ?? NaN);
}

export async function runIngest(options: BenchOptions): Promise<IngestResult> {
  const cases = sizeKnob('BENCH_INGEST_CASES', options, 200_000, 20_000);
  const batch = envInt('BENCH_BATCH', 5_000);
  const concurrency = envInt('BENCH_CONCURRENCY', 3);
  const seed = envInt('BENCH_SEED', 20250603);

  progress(`ingest: generating ${cases} cases (seed ${seed})`);
  const workload = ingestWorkload(seed, cases);
  const events = workload.events;
  const bodies = requestBodies(events, batch);
  const chunks = copyChunks(events);
  const types = new Map<string, number>();
  for (const event of events) types.set(event.type, (types.get(event.type) ?? 0) + 1);
  const megabytes = bodies.reduce((sum, body) => sum + body.length, 0) / 1e6;
  progress(`ingest: ${events.length} events (${[...types].map(([t, n]) => `${t} ${n}`).join(', ')}), `
    + `${workload.withQueryPassword} with a query password, ${bodies.length} requests, ${megabytes.toFixed(0)} MB of JSON`);
  const total = events.length;
  events.length = 0; // only the serialized forms are needed from here on

  const node = await startBenchNode('ingest');
  const db = new pg.Client({ connectionString: node.database.url });
  let autovacuum: AutovacuumEmulation | null = null;
  try {
    await db.connect();
    await loadCatalog(node.api);
    await db.query('CHECKPOINT');
    autovacuum = await startAutovacuum(node.database.url);

    progress(`ingest: posting ${bodies.length} requests of ${batch} events, ${concurrency} in flight`);
    const cpuBefore = node.cpuSeconds();
    const pgBefore = await postgresCpu(db, node.database.name);
    const hostBefore = hostCpuTicks();
    const probe = new TenthsProbe(bodies.length, db, node.database.name, () => node.cpuSeconds());
    const sent = await sendBodies(node.api, bodies, concurrency, 'ingest', probe.onAnswer);
    const hostAfter = hostCpuTicks();
    const cpuAfter = node.cpuSeconds();
    const pgCpuUsPerEvent = Math.round((postgresCpuDelta(pgBefore, await postgresCpu(db, node.database.name)) * 1e6) / sent.accepted);
    const nodeCpuUsPerEvent = cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / sent.accepted);
    const hostBusyPct = Math.round((100 * (hostAfter.busy - hostBefore.busy)) / Math.max(1, hostAfter.total - hostBefore.total));
    let eventLog: IngestResult['eventLog'] = null;
    if (await eventLogCaughtUp(db)) {
      const loggedSeconds = (performance.now() - hostBefore.at) / 1000;
      eventLog = { loggedSeconds: Math.round(loggedSeconds * 10) / 10, loggedPerSec: Math.round(sent.accepted / loggedSeconds) };
      progress(`ingest: event log caught up ${loggedSeconds.toFixed(1)} s after the first request = ${eventLog.loggedPerSec} events/s`);
    }
    await autovacuum.stop();
    const rssMB = node.peakRssMB();
    const eventsPerSec = Math.round(sent.accepted / sent.seconds);
    progress(`ingest: ${sent.accepted} accepted, ${sent.duplicates} duplicates, ${sent.rejected} rejected in ${sent.seconds.toFixed(1)} s = ${eventsPerSec} events/s, node peak RSS ${rssMB} MB, `
      + `node CPU ${nodeCpuUsPerEvent} µs/event, PostgreSQL CPU ${pgCpuUsPerEvent} µs/event, host CPU ${hostBusyPct}% busy`);
    for (const line of sent.firstRejections) progress(`ingest: rejected ${line}`);
    const tenths = probe.result();
    if (tenths) {
      const line = (figures: Tenths['first']): string => `${figures.events} events in ${figures.seconds} s = ${figures.eventsPerSec} events/s, `
        + `node ${figures.nodeCpuUsPerEvent} + PostgreSQL ${figures.pgCpuUsPerEvent} µs/event`;
      progress(`ingest: first tenth (${tenths.first.requests} requests): ${line(tenths.first)}; last tenth: ${line(tenths.last)}; last/first rate ${tenths.lastToFirst}`);
    }

    // The figure is honest only if every event is stored once and nothing was refused.
    const stored = await scalar(db, 'SELECT count(*) AS n FROM case_events');
    const storedCases = await scalar(db, 'SELECT count(*) AS n FROM cases');
    const pendingCases = await scalar(db, "SELECT count(*) AS n FROM cases WHERE status = 'pending'");
    const rejections = await scalar(db, 'SELECT count(*) AS n FROM rejections');
    progress(`ingest: verify: ${stored} events stored, ${storedCases} cases (${pendingCases} pending), ${rejections} rejections`);
    if (stored !== total || sent.accepted !== total || rejections !== 0 || storedCases !== workload.cases || pendingCases !== 0) {
      throw new Error(`ingest verification failed: stored ${stored}, accepted ${sent.accepted} of ${total}, `
        + `${rejections} rejections, ${storedCases}/${workload.cases} cases, ${pendingCases} pending`);
    }

    // Baseline: the same rows through COPY into an unlogged table without indexes.
    await db.query(`CREATE UNLOGGED TABLE bench_copy (event_id text, case_no text, type text, occurred_at timestamptz, payload jsonb)`);
    await db.query('CHECKPOINT');
    progress(`ingest: baseline COPY of ${stored} rows`);
    const copyStarted = performance.now();
    await pipeline(Readable.from(chunks), db.query(copyFrom('COPY bench_copy (event_id, case_no, type, occurred_at, payload) FROM STDIN')));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copied = await scalar(db, 'SELECT count(*) AS n FROM bench_copy');
    if (copied !== stored) throw new Error(`COPY stored ${copied} rows, expected ${stored}`);
    const rowsPerSec = Math.round(copied / copySeconds);
    progress(`ingest: baseline COPY ${copied} rows in ${copySeconds.toFixed(1)} s = ${rowsPerSec} rows/s`);
    await db.query('DROP TABLE bench_copy');

    return {
      bench: 'ingest',
      events: sent.accepted,
      seconds: Math.round(sent.seconds * 100) / 100,
      eventsPerSec,
      baseline: { name: 'pg-copy', rowsPerSec },
      ratio: Math.round((eventsPerSec / rowsPerSec) * 1000) / 1000,
      rssMB,
      tenths,
      nodeCpuUsPerEvent,
      pgCpuUsPerEvent,
      hostBusyPct,
      eventLog,
      autovacuum: autovacuum.mode,
      cases: workload.cases,
      batch,
      concurrency,
    };
  } finally {
    await autovacuum?.stop();
    await db.end().catch(() => undefined);
    await node.close();
  }
}

/**
 * The human summary of a bench run: one Markdown table with every headline figure beside its
 * baseline from the same run and the target of issue 10 where it names one, marked met or missed.
 * The JSON lines stay the complete record; this table picks from them.
 */
import type { IngestResult } from './ingest.bench.ts';
import type { QueryResult } from './query.bench.ts';
import type { Latency } from './support.ts';
import type { SweepBenchResult } from './sweep.bench.ts';
import type { SyncResult } from './sync.bench.ts';
import { TARGETS, verdict, type Target } from './targets.ts';
import type { TenthFigures } from './tenths.ts';

export type BenchResult = IngestResult | QueryResult | SweepBenchResult | SyncResult;

/** One line of the table. */
export interface FigureRow {
  bench: string;
  figure: string;
  value: string;
  baseline: string;
  target: string;
  verdict: string;
}

const int = (value: number | null): string => (value === null ? '?' : Math.round(value).toLocaleString('en-US'));
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));
/** Seconds, in ms below 0.1 s so that a fast baseline does not print as 0.000 s. */
const seconds = (value: number): string => (value < 0.1 ? `${ms(value * 1000)} ms` : `${value.toFixed(3)} s`);
const latency = (l: Latency): string => `${ms(l.p50Ms)} / ${ms(l.p99Ms)} ms`;

/** A row judged against `target`, at the size the run used. */
function judged(bench: string, figure: string, value: string, baseline: string, target: Target, measured: number | null, size: number): FigureRow {
  return { bench, figure, value, baseline, target: `${target.text} at ${int(target.size)} ${target.sizeUnit}`, verdict: verdict(target, measured, size) };
}

function plain(bench: string, figure: string, value: string, baseline = ''): FigureRow {
  return { bench, figure, value, baseline, target: '', verdict: '' };
}

function ingestRows(r: IngestResult): FigureRow[] {
  const cpu = (whole: number | null, pick: (tenth: TenthFigures) => number | null): string =>
    r.tenths ? `${int(whole)} (first tenth ${int(pick(r.tenths.first))}, last ${int(pick(r.tenths.last))})` : int(whole);
  const rows = [
    judged('ingest', `events/s (${int(r.events)} events, ${int(r.cases)} cases)`, int(r.eventsPerSec),
      `COPY ${int(r.baseline.rowsPerSec)} rows/s (ratio ${r.ratio})`, TARGETS.ingestEventsPerSec, r.eventsPerSec, r.events),
  ];
  if (r.tenths) {
    const { first, last } = r.tenths;
    rows.push(plain('ingest', `events/s, first tenth (${first.requests} requests)`, int(first.eventsPerSec)));
    rows.push(judged('ingest', `events/s, last tenth (${last.requests} requests)`, `${int(last.eventsPerSec)} (${r.tenths.lastToFirst} × first)`,
      `first tenth ${int(first.eventsPerSec)}`, TARGETS.ingestLastToFirst, r.tenths.lastToFirst, r.events));
  } else {
    rows.push(plain('ingest', 'events/s, first and last tenth', 'too few requests'));
  }
  rows.push(
    plain('ingest', 'node CPU µs/event', cpu(r.nodeCpuUsPerEvent, (t) => t.nodeCpuUsPerEvent)),
    plain('ingest', 'PostgreSQL CPU µs/event', cpu(r.pgCpuUsPerEvent, (t) => t.pgCpuUsPerEvent)),
    judged('ingest', 'node peak RSS MB', int(r.rssMB), '', TARGETS.ingestRssMB, r.rssMB, r.events),
    plain('ingest', 'in the Merkle log, events/s', r.eventLog ? int(r.eventLog.loggedPerSec) : 'no event log'),
    plain('ingest', 'host CPU busy % (both cores, anyone)', int(r.hostBusyPct)),
  );
  return rows;
}

const LIST_NAMES: Record<string, string> = {
  red: 'red', redByDepartment: 'red by department', redWithCursor: 'red, paged by cursor', yellow: 'yellow', green: 'green', paused: 'paused',
};

function queryRows(r: QueryResult): FigureRow[] {
  const koa = `bare Koa ${latency(r.baseline)}`;
  const rows = [
    judged('query', `board p50 / p99 (${int(r.cases)} cases)`, latency(r.board), koa, TARGETS.boardP99Ms, r.board.p99Ms, r.cases),
  ];
  for (const [name, figures] of Object.entries(r.caseList.variants)) {
    rows.push(judged('query', `list ${LIST_NAMES[name] ?? name} p50 / p99`, latency(figures), koa, TARGETS.listP99Ms, figures.p99Ms, r.cases));
  }
  rows.push(
    plain('query', 'one case p50 / p99', latency(r.caseVerdict), koa),
    plain('query', 'load through the API, events/s', int(r.load.eventsPerSec)),
  );
  return rows;
}

function sweepRows(r: SweepBenchResult): FigureRow[] {
  return [
    judged('sweep', `none due (${int(r.cases)} open cases)`, seconds(r.secondsNoneDue), `count ${seconds(r.baseline.secondsNoneDue)}`,
      TARGETS.sweepSeconds, r.secondsNoneDue, r.cases),
    judged('sweep', `${Number((r.dueFraction * 100).toFixed(2))} % due (${int(r.due)} cases, ${int(r.raised)} raised)`, seconds(r.secondsOnePercentDue),
      `count ${seconds(r.baseline.seconds)}`, TARGETS.sweepSeconds, r.secondsOnePercentDue, r.cases),
    plain('sweep', 'due cases/s', int(r.casesPerSec)),
    plain('sweep', 'CPU s per due sweep: bench process + PostgreSQL', `${r.cpu.nodeSeconds} + ${r.cpu.pgSeconds}`),
    plain('sweep', 'host CPU busy % / others %', `${r.hostBusyPct} / ${r.othersBusyPct}`),
  ];
}

function syncRows(r: SyncResult): FigureRow[] {
  return [
    plain('sync', `batches/s (${int(r.batches)} batches of ${int(r.children)} children)`, String(r.batchesPerSec),
      `Ed25519 ${int(r.baseline.verificationsPerSec)} verifications/s`),
    plain('sync', 'summary rows/s', int(r.summariesPerSec)),
    plain('sync', 'batch post p50 / p99', latency(r.batchLatency)),
    plain('sync', 'rollup p50 / p99', latency(r.rollup)),
    plain('sync', 'CPU ms/batch: node + PostgreSQL', `${r.nodeCpuMsPerBatch ?? '?'} + ${r.pgCpuMsPerBatch}`),
  ];
}

/** The rows of one bench's result. */
export function figureRows(result: BenchResult): FigureRow[] {
  switch (result.bench) {
    case 'ingest': return ingestRows(result);
    case 'query': return queryRows(result);
    case 'sweep': return sweepRows(result);
    case 'sync': return syncRows(result);
  }
}

/** The row of a bench that failed (the error's first line; the whole stack went to stderr). */
export function failedRow(bench: string, error: unknown): FigureRow {
  const message = error instanceof Error ? error.message : String(error);
  return plain(bench, 'FAILED', message.split('\n')[0]!.slice(0, 120));
}

/** A Markdown table, columns padded so that it also reads in a terminal; `|` inside a cell escaped. */
export function renderTable(rows: readonly FigureRow[]): string {
  const header: FigureRow = { bench: 'bench', figure: 'figure', value: 'value', baseline: 'baseline (same run)', target: 'target', verdict: 'verdict' };
  const columns = Object.keys(header) as (keyof FigureRow)[];
  const cells = [header, ...rows].map((row) => columns.map((column) => row[column].replaceAll('|', '\\|')));
  const widths = columns.map((_, c) => Math.max(...cells.map((line) => line[c]!.length)));
  const line = (values: readonly string[]): string => `| ${values.map((value, c) => value.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(cells[0]!), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)].join('\n');
}

/**
 * The bench summary table without running a bench: how a figure is judged against the targets of
 * issue 10 (met or MISSED at the stated size, in parentheses on smaller data) and how the table is
 * laid out. The results are written out by hand; nothing here is timed.
 */
import { expect } from 'chai';
import { failedRow, figureRows, renderTable, type FigureRow } from '../../bench/figures-table.ts';
import type { IngestResult } from '../../bench/ingest.bench.ts';
import type { QueryResult } from '../../bench/query.bench.ts';
import type { SweepBenchResult } from '../../bench/sweep.bench.ts';
import { TARGETS, verdict } from '../../bench/targets.ts';
import type { TenthFigures } from '../../bench/tenths.ts';

const tenth = (eventsPerSec: number): TenthFigures => ({ requests: 20, events: 100_000, seconds: 100_000 / eventsPerSec, eventsPerSec, nodeCpuUsPerEvent: 30, pgCpuUsPerEvent: 35 });

function ingest(overrides: Partial<IngestResult>): IngestResult {
  return {
    bench: 'ingest', events: 1_011_163, seconds: 30, eventsPerSec: 33_000, baseline: { name: 'pg-copy', rowsPerSec: 220_000 }, ratio: 0.15,
    rssMB: 380, tenths: { first: tenth(34_000), last: tenth(32_000), lastToFirst: 0.94 }, nodeCpuUsPerEvent: 30, pgCpuUsPerEvent: 35,
    hostBusyPct: 95, eventLog: { loggedSeconds: 31, loggedPerSec: 32_600 }, autovacuum: 'off', cases: 200_000, batch: 5_000, concurrency: 3,
    ...overrides,
  };
}

const latency = (p50Ms: number, p99Ms: number) => ({ calls: 100, p50Ms, p99Ms, maxMs: p99Ms + 1 });

function query(cases: number): QueryResult {
  return {
    bench: 'query', cases, at: '2026-03-02T10:00:00+08:00', caseVerdict: latency(2, 4),
    caseList: { ...latency(8, 19), variants: { red: latency(8, 19.9), yellow: latency(15, 20) } },
    board: latency(30, 49.99), baseline: { name: 'bare-koa', ...latency(0.2, 0.4) },
    load: { events: 1_400_000, seconds: 60, eventsPerSec: 23_000, changedAfterAt: 400, autovacuum: 'off' },
    boardCounts: { open: 600_000, green: 60_000, yellow: 9_000, red: 500_000, paused: 36_000, yellowCards: 500_000, redCards: 450_000 },
  };
}

const row = (rows: readonly FigureRow[], figure: string): FigureRow => {
  const found = rows.find((r) => r.figure.startsWith(figure));
  if (!found) throw new Error(`no row "${figure}" in ${rows.map((r) => r.figure).join(', ')}`);
  return found;
};

describe('bench figures table', () => {
  it('judges a figure met or MISSED at the target size, on the boundary as the issue words it', () => {
    expect(verdict(TARGETS.ingestEventsPerSec, 30_000, 1_011_163)).to.equal('met');
    expect(verdict(TARGETS.ingestEventsPerSec, 29_999, 1_011_163)).to.equal('MISSED');
    expect(verdict(TARGETS.ingestRssMB, 400, 1_011_163)).to.equal('met');
    expect(verdict(TARGETS.ingestRssMB, 401, 1_011_163)).to.equal('MISSED');
    // "p99 under 50 ms", "under 1 s": the limit itself misses.
    expect(verdict(TARGETS.boardP99Ms, 50, 1_000_000)).to.equal('MISSED');
    expect(verdict(TARGETS.sweepSeconds, 0.999, 1_000_000)).to.equal('met');
    expect(verdict(TARGETS.sweepSeconds, 1, 1_000_000)).to.equal('MISSED');
  });

  it('puts the verdict in parentheses on data smaller than the target is stated for, and says unknown without a figure', () => {
    expect(verdict(TARGETS.ingestEventsPerSec, 40_000, 101_072)).to.equal('(met)');
    expect(verdict(TARGETS.ingestEventsPerSec, 3_000, 101_072)).to.equal('(missed)');
    expect(verdict(TARGETS.listP99Ms, 12, 50_000)).to.equal('(met)');
    expect(verdict(TARGETS.ingestRssMB, null, 1_011_163)).to.equal('unknown');
  });

  it('shows the ingest rate beside the COPY baseline and judges rate, last tenth and RSS', () => {
    const rows = figureRows(ingest({ rssMB: 420, tenths: { first: tenth(34_000), last: tenth(27_000), lastToFirst: 0.79 } }));
    const rate = row(rows, 'events/s (');
    expect(rate).to.include({ value: '33,000', baseline: 'COPY 220,000 rows/s (ratio 0.15)', verdict: 'met' });
    expect(row(rows, 'events/s, first tenth')).to.include({ value: '34,000', verdict: '' });
    expect(row(rows, 'events/s, last tenth')).to.include({ value: '27,000 (0.79 × first)', baseline: 'first tenth 34,000', verdict: 'MISSED' });
    expect(row(rows, 'node peak RSS MB')).to.include({ value: '420', verdict: 'MISSED' });
    expect(row(rows, 'node CPU').value).to.equal('30 (first tenth 30, last 30)');
  });

  it('says so when a run had too few requests for tenths, and an unknown RSS stays unknown', () => {
    const rows = figureRows(ingest({ tenths: null, rssMB: null }));
    expect(row(rows, 'events/s, first and last tenth').value).to.equal('too few requests');
    expect(row(rows, 'node peak RSS MB')).to.include({ value: '?', verdict: 'unknown' });
  });

  it('judges the board and every list by its p99, beside the bare Koa baseline', () => {
    const rows = figureRows(query(1_000_000));
    expect(row(rows, 'board')).to.include({ value: '30.0 / 50.0 ms', baseline: 'bare Koa 0.20 / 0.40 ms', verdict: 'met' });
    expect(row(rows, 'list red ')).to.include({ verdict: 'met' });
    expect(row(rows, 'list yellow')).to.include({ value: '15.0 / 20.0 ms', verdict: 'MISSED' });
    expect(row(rows, 'one case')).to.include({ target: '', verdict: '' });
    expect(figureRows(query(50_000)).map((r) => r.verdict).filter((v) => v !== '')).to.deep.equal(['(met)', '(met)', '(missed)']);
  });

  it('judges both sweeps against one second, beside the count baseline', () => {
    const sweep = {
      bench: 'sweep', cases: 1_000_000, dueFraction: 0.01, due: 10_000, secondsNoneDue: 0.0412, secondsOnePercentDue: 1.234,
      raised: 15_000, baseline: { name: 'indexed-range-count', seconds: 0.0021, rows: 10_000, secondsNoneDue: 0.0003 },
      casesPerSec: 8_100, cpu: { nodeSeconds: 0.5, pgSeconds: 0.4 }, hostBusyPct: 80, othersBusyPct: 5,
    } as SweepBenchResult;
    const rows = figureRows(sweep);
    expect(row(rows, 'none due')).to.include({ value: '41.2 ms', baseline: 'count 0.30 ms', verdict: 'met' });
    expect(row(rows, '1 % due')).to.include({ value: '1.234 s', baseline: 'count 2.10 ms', verdict: 'MISSED' });
  });

  it('lays the rows out as a Markdown table with padded columns and escaped bars', () => {
    const table = renderTable([failedRow('sync', new Error('HTTP 500 | boom\nstack')), ...figureRows(ingest({}))]);
    const lines = table.split('\n');
    expect(lines[0]).to.match(/^\| bench +\| figure +\| value +\| baseline \(same run\) +\| target +\| verdict +\|$/);
    expect(lines[1]).to.match(/^\| -+ \| -+ \| -+ \| -+ \| -+ \| -+ \|$/);
    expect(new Set(lines.map((line) => line.length)).size).to.equal(1);
    expect(lines[2]).to.include('| FAILED').and.include('HTTP 500 \\| boom').and.not.include('stack');
  });
});

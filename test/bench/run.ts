/**
 * `npm run bench -- [all|ingest|query|sweep|sync ...] [--quick]`: runs the benchmarks named (no name,
 * or `all`: every one, in turn). `--quick` runs them on smaller data (the size knobs still win).
 * Progress goes to stderr; stdout gets one JSON line per benchmark as it ends (the machine record),
 * then, after a blank line, one Markdown table of the headline figures beside their baselines and
 * targets (`figures-table.ts`).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { formatShanghai } from '../../node/demo/case-scenarios.ts';
import { failedRow, figureRows, renderTable, type BenchResult, type FigureRow } from './figures-table.ts';
import { runIngest } from './ingest.bench.ts';
import { runQuery } from './query.bench.ts';
import { runSync } from './sync.bench.ts';
import { runSweepBench } from './sweep.bench.ts';
import { progress, REPO_ROOT, type BenchOptions } from './support.ts';

const BENCHES: Record<string, (options: BenchOptions) => Promise<BenchResult>> = { ingest: runIngest, query: runQuery, sweep: runSweepBench, sync: runSync };
const FLAGS = new Set(['--quick']);

/** The commit the run measured, marked when the worktree had changes; null outside git. */
function commitOf(): string | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') === '' ? '' : ' + local changes'}`;
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const badFlags = args.filter((arg) => arg.startsWith('-') && !FLAGS.has(arg));
const named = args.filter((arg) => !arg.startsWith('-'));
const unknown = named.filter((name) => name !== 'all' && !(name in BENCHES));
if (unknown.length > 0 || badFlags.length > 0) {
  process.stderr.write(`unknown benchmark or flag ${[...unknown, ...badFlags].join(', ')}; usage: npm run bench -- [all|${Object.keys(BENCHES).join('|')} ...] [--quick]\n`);
  process.exit(2);
}
const options: BenchOptions = { quick: args.includes('--quick') };
const names = named.length === 0 || named.includes('all') ? Object.keys(BENCHES) : [...new Set(named)];

const started = new Date();
const rows: FigureRow[] = [];
let failed = false;
for (const name of names) {
  try {
    const result = await BENCHES[name]!(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    rows.push(...figureRows(result));
  } catch (error) {
    failed = true;
    rows.push(failedRow(name, error));
    progress(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
process.stdout.write(`\n${options.quick ? 'Quick' : 'Full'} bench run of ${formatShanghai(started)}, commit ${commitOf() ?? 'unknown'}, `
  + `${os.cpus().length} cores, Node ${process.version}, ${minutes} min:\n\n${renderTable(rows)}\n\n`
  + 'met / MISSED: at the size the target is stated for; (met) / (missed): on smaller data, an indication only.\n'
  + 'Latencies are sequential calls (p50 / p99); every baseline was measured in this run, on this machine.\n');
process.exit(failed ? 1 : 0);

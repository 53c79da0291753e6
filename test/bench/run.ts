/**
 * `npm run bench -- [ingest|query|sync|sweep]`: runs one benchmark, or all of them in turn. Progress goes to
 * stderr; each benchmark prints exactly one JSON line on stdout.
 */
import { runIngest } from './ingest.bench.ts';
import { runQuery } from './query.bench.ts';
import { runSync } from './sync.bench.ts';
import { runSweepBench } from './sweep.bench.ts';
import { progress } from './support.ts';

const BENCHES: Record<string, () => Promise<object>> = { ingest: runIngest, query: runQuery, sync: runSync, sweep: runSweepBench };

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}

let failed = false;
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  try {
    const result = await BENCHES[name]!();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    failed = true;
    progress(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}
process.exit(failed ? 1 : 0);

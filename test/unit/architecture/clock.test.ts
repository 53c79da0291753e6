import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, typeScriptFiles } from '../../support/import-graph.ts';

// Reading the wall clock: a Date of now, or the epoch milliseconds of now.
const WALL_CLOCK = /new Date\(\s*\)|Date\.now\(\s*\)/;
// The one place it may happen, and the demo, a driver outside the node that takes its own clock.
const ALLOWED = (file: string): boolean => file === 'node/core/clock.ts' || file.startsWith('node/demo/');

/** The lines of code (not comments) of `file` that read the wall clock, as `file:line`. */
function wallClockReads(file: string): string[] {
  return readFileSync(join(REPO_ROOT, file), 'utf8').split('\n').flatMap((line, index) => {
    const code = line.trimStart();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
    return WALL_CLOCK.test(code.replace(/\/\/.*$/, '')) ? [`${file}:${index + 1}`] : [];
  });
}

describe('unit: the wall clock enters in one place', function () {
  it('sees a wall-clock read where there is one (node/core/clock.ts)', function () {
    expect(wallClockReads('node/core/clock.ts')).to.have.length(1);
  });

  it('nothing else under node/ or federation/ reads it: the clock is handed down (startNode options.now, tests their own)', function () {
    const reads = [...typeScriptFiles('node'), ...typeScriptFiles('federation')].filter((file) => !ALLOWED(file)).flatMap(wallClockReads);
    expect(reads).to.deep.equal([]);
  });
});

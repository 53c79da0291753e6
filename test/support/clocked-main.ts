/**
 * The entry of an e2e node process whose clock is the tests': `node/main.ts`'s `runNode` with the
 * node's clock set to the wall clock plus TEST_CLOCK_OFFSET_MS. The offset is computed once by the
 * test (its instant minus the wall clock then), so the clock starts at the test's instant, runs at
 * the wall clock's pace, never goes back across a restart and reads alike in every process given
 * the same offset. Writes (events received, sweeps) then happen at the instant the test chose;
 * the production entry has no such setting.
 */
import { runNode } from '../../node/main.ts';

const offset = Number(process.env.TEST_CLOCK_OFFSET_MS);
if (!Number.isFinite(offset)) throw new Error('TEST_CLOCK_OFFSET_MS must be a number of milliseconds');
await runNode({ now: () => new Date(Date.now() + offset) });

/**
 * The sweep queue ('sweep'): a job scheduler runs a full sweep every SWEEP_INTERVAL_SECONDS (fixed
 * id, so however many workers upsert it, it fires once per interval), and ingested batches queue a
 * sweep soon after them. Concurrency 1 per worker; several workers (or a worker and the API's
 * on-demand sweep) may sweep at once: each chunk claims its due cases with FOR UPDATE SKIP LOCKED,
 * so no case is judged twice. A sweep is idempotent and commits chunk by chunk, so a run cut off
 * by a crash or repeated after a Redis restart raises nothing twice.
 *
 * The sweep after ingest is coalesced: every batch committed within one AFTER_INGEST_WINDOW_MS
 * window queues the same job (its id names the window), which runs when the window ends and
 * sweeps whatever is due, those batches' cases among them (marked due in their transactions). A
 * case whose history arrives over several batches is then judged once with all of it rather than
 * once per batch with part of it (which raised findings the rest of the history revoked, and read
 * its events again each time).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { runSweep, type SweepDeps, type SweepResult } from '../supervision/sweep.ts';
import { defineQueue, type JobProducer } from '../core/define-queue.ts';
import { systemClock } from '../core/clock.ts';
import { compactTimelineCounts } from '../cases/timeline-counts.ts';
import { rolledBack } from '../core/unit-of-work.ts';

export const SWEEP_QUEUE = 'sweep';
const SCHEDULER_ID = 'sweep-every-interval';

/** Batches committed within one window share one sweep, run as the window ends. */
const AFTER_INGEST_WINDOW_MS = 1000;

export interface SweepJobData {
  /** Only these cases (when due); every due case when absent. */
  caseNos?: string[];
}

export interface SweepWorkerDeps {
  orm: MikroORM;
  sweep: SweepDeps;
  intervalSeconds: number;
  now: () => Date;
  logger: Logger;
}

export const sweepQueue = defineQueue<SweepJobData, SweepWorkerDeps, SweepResult>({
  name: SWEEP_QUEUE,
  jobSchema: {
    type: 'object', additionalProperties: false, required: [],
    properties: { caseNos: { type: 'array', items: { type: 'string', minLength: 1 }, nullable: true } },
  },
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  concurrency: 1,
  keep: { completed: 100, failed: 500 },
  async handler(job, deps) {
    const result = await runSweep(deps.orm.em.fork(), deps.sweep, deps.now(), job.data.caseNos ? { caseNos: job.data.caseNos } : {
      onProgress: (progress) => void job.updateProgress({ checked: progress.checked, raised: progress.raised }),
    });
    if (result.raised > 0 || result.revoked > 0 || result.reinstated > 0 || result.escalated > 0) deps.logger.info({ ...result }, '预警扫描 (sweep run)');
    // The sweeps follow the ingested batches: folding the board's counts appended meanwhile here
    // keeps them few without a job of their own.
    await compactTimelineCounts(deps.orm.em.fork());
    return result;
  },
  scheduler: (deps) => ({ id: SCHEDULER_ID, everyMs: deps.intervalSeconds * 1000, data: {} }),
});

export interface SweepJobs {
  /**
   * Queues the sweep that follows an ingested batch. It sweeps every due case, the batch's
   * `caseNos` among them (marked due in the batch's transaction), coalesced per window.
   */
  afterIngest(caseNos: readonly string[]): void;
  /** Runs a full sweep at `at` in the caller (the API's on-demand sweep), beside the workers. */
  runNow(at: Date): Promise<SweepResult>;
  /** What a full sweep at `at` would do, rolled back: nothing is written and nobody is notified. */
  preview(at: Date): Promise<SweepResult>;
}

/** The sweeps as the API and the import job use them: queueing through `producer`, or running here. */
export function sweepJobs(producer: JobProducer<SweepJobData, SweepWorkerDeps, SweepResult>, orm: MikroORM, deps: SweepDeps, logger: Logger): SweepJobs {
  return {
    afterIngest() {
      // The system clock, not the node's: it only places the job in its window on Redis's timeline
      // (verdicts use the node's clock). A job id already queued is not added again; losing the
      // job loses nothing: the cases stay due.
      const wall = systemClock().getTime();
      const windowEnd = (Math.floor(wall / AFTER_INGEST_WINDOW_MS) + 1) * AFTER_INGEST_WINDOW_MS;
      producer.add({}, { jobId: `after-ingest-${windowEnd}`, delayMs: windowEnd - wall })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not queue the sweep after ingested batches'));
    },
    runNow: (at) => runSweep(orm.em.fork(), deps, at),
    preview: (at) => rolledBack(orm.em, () => runSweep(orm.em.fork(), { ...deps, notifier: null }, at)),
  };
}

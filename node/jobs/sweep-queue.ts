/**
 * The sweep job (BullMQ): a job scheduler runs a full sweep every SWEEP_INTERVAL_SECONDS, and
 * ingested batches queue a sweep soon after them. One worker, concurrency 1. A sweep is
 * idempotent and commits chunk by chunk, so a run cut off by a crash or repeated after a Redis
 * restart raises nothing twice; cases it did not reach stay due for the next one.
 *
 * The sweep after ingest is coalesced: every batch committed within one AFTER_INGEST_WINDOW_MS
 * window queues the same job (its id names the window), which runs when the window ends and
 * sweeps whatever is due, the cases those batches marked among them. A case whose history arrives
 * over several batches is then judged once with all of it, not once per batch with part of it
 * (which raised findings the rest of the history revoked, and read its events again each time).
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { runSweep, type SweepDeps, type SweepResult } from '../supervision/sweep.ts';

const SWEEP_QUEUE = 'sweep';
const SCHEDULER_ID = 'sweep-every-interval';

interface SweepJobData {
  /** Only these cases (when due); every due case when absent. */
  caseNos?: string[];
}

/** Batches committed within one window share one sweep, run as the window ends. */
const AFTER_INGEST_WINDOW_MS = 1000;

export interface SweepJobs {
  /**
   * Queues the sweep that follows an ingested batch. It sweeps every due case, the batch's
   * `caseNos` among them (they were marked due in the batch's transaction), coalesced per window.
   */
  afterIngest(caseNos: readonly string[]): void;
  /** Runs a full sweep at `at` in the caller (the API's on-demand sweep), beside the worker. */
  runNow(at: Date): Promise<SweepResult>;
  close(): Promise<void>;
}

export async function startSweepJobs(connection: Redis, prefix: string, intervalSeconds: number, orm: MikroORM, deps: SweepDeps, now: () => Date, logger: Logger): Promise<SweepJobs> {
  const queue = new Queue<SweepJobData>(SWEEP_QUEUE, { connection, prefix, defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: 'exponential', delay: 1000 } } });
  const workerConnection = connection.duplicate();
  workerConnection.on('error', () => undefined);
  const worker = new Worker<SweepJobData>(SWEEP_QUEUE, async (job) => {
    const result = await runSweep(orm.em.fork(), deps, now(), job.data.caseNos ? { caseNos: job.data.caseNos } : {
      onProgress: (progress) => void job.updateProgress({ checked: progress.checked, raised: progress.raised }),
    });
    if (result.raised > 0 || result.revoked > 0 || result.reinstated > 0 || result.escalated > 0) logger.info({ ...result }, '预警扫描 (sweep run)');
    return result;
  }, { connection: workerConnection, prefix, concurrency: 1 });
  worker.on('error', (error) => logger.error({ err: error }, 'sweep worker error'));

  const schedule = () => queue.upsertJobScheduler(SCHEDULER_ID, { every: intervalSeconds * 1000 }, { name: 'sweep', data: {} });
  await schedule();
  // A Redis that comes back empty has forgotten the scheduler: put it back on every reconnect.
  let closing = false;
  const reschedule = (): void => {
    if (!closing) schedule().catch((error: unknown) => logger.warn({ err: error }, '预警扫描计划未能恢复 (sweep schedule not restored; retried on the next reconnect)'));
  };
  connection.on('ready', reschedule);

  return {
    afterIngest() {
      // The wall clock only schedules here (verdicts use the node's clock). A job id already
      // queued is not added again; losing this job loses nothing: the cases stay due.
      const windowEnd = (Math.floor(Date.now() / AFTER_INGEST_WINDOW_MS) + 1) * AFTER_INGEST_WINDOW_MS;
      queue.add('after-ingest', {}, { jobId: `after-ingest-${windowEnd}`, delay: Math.max(0, windowEnd - Date.now()) })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not queue the sweep after ingested batches'));
    },
    runNow: (at) => runSweep(orm.em.fork(), deps, at),
    async close() {
      closing = true;
      connection.off('ready', reschedule);
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
    },
  };
}

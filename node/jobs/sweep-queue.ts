/**
 * The sweep job (BullMQ): a job scheduler runs a full sweep every SWEEP_INTERVAL_SECONDS, and each
 * ingested batch queues a sweep of the cases it touched. One worker, concurrency 1. A sweep is
 * idempotent and commits chunk by chunk, so a run cut off by a crash or repeated after a Redis
 * restart raises nothing twice; cases it did not reach stay due for the next one.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { runSweep, type SweepDeps, type SweepResult } from '../supervision/sweep.ts';

const SWEEP_QUEUE = 'sweep';
const SCHEDULER_ID = 'sweep-every-interval';

interface SweepJobData {
  /** The cases of one ingested batch; a full sweep when absent. */
  caseNos?: string[];
}

export interface SweepJobs {
  /** Queues a sweep of the cases an ingested batch touched. */
  afterIngest(caseNos: string[]): void;
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
    afterIngest(caseNos) {
      // Losing this job loses nothing: the cases stay due for the scheduled sweep.
      queue.add('cases', { caseNos }).catch((error: unknown) => logger.warn({ err: error }, 'could not queue the sweep of an ingested batch'));
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

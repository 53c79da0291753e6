/**
 * The upward sync job (BullMQ): a job scheduler runs it every SYNC_INTERVAL_SECONDS and the API
 * can run it on demand. One worker, concurrency 1: a run builds the next batch into the outbox
 * if anything changed and delivers every pending batch in order. Runs are idempotent, so a run
 * repeated after a crash or a Redis restart changes nothing twice.
 */
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type FederationContext, buildBatch, deliverOutbox, type SummarySource, type SyncTrigger,
} from '../../federation/index.ts';
import type { EventLogSequencer } from '../cases/event-log-source.ts';

const SYNC_QUEUE = 'sync';
const SCHEDULER_ID = 'sync-every-interval';

export interface SyncJobs extends SyncTrigger {
  close(): Promise<void>;
}

export async function runSyncOnce(context: FederationContext, source: SummarySource, sequencer: EventLogSequencer) {
  // The checkpoint of the batch must cover every event committed so far.
  await sequencer.runNow();
  const built = await buildBatch(context, source);
  const delivery = await deliverOutbox(context);
  return { built, ...delivery };
}

export async function startSyncJobs(connection: Redis, prefix: string, intervalSeconds: number, context: FederationContext, source: SummarySource, sequencer: EventLogSequencer, logger: Logger): Promise<SyncJobs> {
  const queue = new Queue(SYNC_QUEUE, { connection, prefix, defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500, attempts: 1 } });
  const workerConnection = connection.duplicate();
  const eventsConnection = connection.duplicate();
  // An outage is reported once per attempt by the worker's 'error' log below; without a listener
  // here ioredis would also print every failed reconnect of these two to stderr.
  for (const duplicate of [workerConnection, eventsConnection]) duplicate.on('error', () => undefined);
  const worker = new Worker(SYNC_QUEUE, async () => {
    const outcome = await runSyncOnce(context, source, sequencer);
    if (outcome.built || outcome.delivered > 0 || outcome.error) logger.info({ ...outcome }, '同步 (sync run)');
    return outcome;
  }, { connection: workerConnection, prefix, concurrency: 1 });
  worker.on('error', (error) => logger.error({ err: error }, 'sync worker error'));
  const events = new QueueEvents(SYNC_QUEUE, { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  const schedule = async (): Promise<void> => {
    if (context.parentUrl) await queue.upsertJobScheduler(SCHEDULER_ID, { every: intervalSeconds * 1000 }, { name: 'sync' });
    else await queue.removeJobScheduler(SCHEDULER_ID);
  };
  await schedule();
  // A Redis that comes back empty (restarted without persistence, failed over, flushed) has
  // forgotten the job scheduler, and nothing would sync again: put it back on every reconnect.
  // Upserting a scheduler that is still there changes nothing.
  let closing = false;
  const reschedule = (): void => {
    if (closing) return;
    schedule().catch((error: unknown) => logger.warn({ err: error }, '同步计划未能恢复, 下次重连时重试 (sync schedule not restored; retried on the next reconnect)'));
  };
  connection.on('ready', reschedule);

  return {
    async trigger(wait) {
      const job = await queue.add('sync', {});
      if (!wait) return { jobId: job.id ?? '' };
      const result: unknown = await job.waitUntilFinished(events, 120000);
      return { jobId: job.id ?? '', result };
    },
    async close() {
      closing = true;
      connection.off('ready', reschedule);
      await worker.close();
      await events.close();
      await queue.close();
      workerConnection.disconnect();
      eventsConnection.disconnect();
    },
  };
}

/**
 * The upward sync queue ('sync'): a job scheduler runs it every SYNC_INTERVAL_SECONDS while the
 * node has a parent (fixed id: one scheduler however many workers upsert it), and the API can run
 * it on demand. Concurrency 1 per worker: a run sequences every committed event into the Merkle
 * log (so stragglers of any web process get logged), builds the next batch into the outbox if
 * anything changed and delivers every pending batch in order. Several workers may run it at once:
 * the log append and the outbox take their own locks, and a run repeated after a crash or a Redis
 * restart changes nothing twice.
 */
import type { Logger } from 'pino';
import {
  type FederationContext, buildBatch, deliverOutbox, type SummarySource, type SyncTrigger,
} from '../../federation/index.ts';
import type { EventLogSequencer } from '../cases/event-log-source.ts';
import { defineQueue, type JobProducer } from '../core/define-queue.ts';

export const SYNC_QUEUE = 'sync';
const SCHEDULER_ID = 'sync-every-interval';
/** How long `?wait=true` waits for a sync run. */
const WAIT_MS = 120_000;

export interface SyncJobData {
  /** Who asked: the job scheduler or the API. */
  trigger: 'schedule' | 'api';
}

export interface SyncWorkerDeps {
  context: FederationContext;
  source: SummarySource;
  sequencer: EventLogSequencer;
  intervalSeconds: number;
  logger: Logger;
}

export async function runSyncOnce(context: FederationContext, source: SummarySource, sequencer: EventLogSequencer) {
  // The checkpoint of the batch must cover every event committed so far.
  await sequencer.runNow();
  const built = await buildBatch(context, source);
  const delivery = await deliverOutbox(context);
  return { built, ...delivery };
}

export type SyncOutcome = Awaited<ReturnType<typeof runSyncOnce>>;

export const syncQueue = defineQueue<SyncJobData, SyncWorkerDeps, SyncOutcome>({
  name: SYNC_QUEUE,
  jobSchema: {
    type: 'object', additionalProperties: false, required: ['trigger'],
    properties: { trigger: { type: 'string', enum: ['schedule', 'api'] } },
  },
  attempts: 1,
  concurrency: 1,
  keep: { completed: 100, failed: 500 },
  async handler(_job, deps) {
    const outcome = await runSyncOnce(deps.context, deps.source, deps.sequencer);
    if (outcome.built || outcome.delivered > 0 || outcome.error) deps.logger.info({ ...outcome }, '同步 (sync run)');
    return outcome;
  },
  // Without a parent there is nothing to send up: a scheduler left from an earlier configuration goes.
  scheduler: (deps) => ({ id: SCHEDULER_ID, everyMs: deps.context.parentUrl ? deps.intervalSeconds * 1000 : null, data: { trigger: 'schedule' } }),
});

/** The API's sync trigger over the producer (which must wait: opened with `waits`). */
export function syncTrigger(producer: JobProducer<SyncJobData, SyncWorkerDeps, SyncOutcome>): SyncTrigger {
  return {
    async trigger(wait) {
      const job = await producer.add({ trigger: 'api' });
      if (!wait) return { jobId: job.id ?? '' };
      const result: unknown = await producer.waitFor(job, WAIT_MS);
      return { jobId: job.id ?? '', result };
    },
  };
}

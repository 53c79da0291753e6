/**
 * The re-supervision job (BullMQ): one job per audit, its id the audit's id, so queueing an audit
 * twice (the API, then the restart sweep) runs it once. One worker; an audit records its own
 * outcome (done or failed) and a rerun after a crash starts it over, so a repeated run is harmless.
 */
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type FederationContext, type AuditHost, type AuditTrigger, runAudit, unfinishedAudits,
} from '../../federation/index.ts';

const AUDIT_QUEUE = 'audits';
/** How long `?wait=true` waits for an audit before answering it as it stands. */
const WAIT_MS = 10 * 60 * 1000;

export interface AuditJobs extends AuditTrigger {
  close(): Promise<void>;
}

export async function startAuditJobs(connection: Redis, prefix: string, context: FederationContext, host: AuditHost, logger: Logger): Promise<AuditJobs> {
  const queue = new Queue(AUDIT_QUEUE, { connection, prefix, defaultJobOptions: { removeOnComplete: 100, removeOnFail: 500, attempts: 1 } });
  const workerConnection = connection.duplicate();
  const eventsConnection = connection.duplicate();
  // The worker's 'error' log reports an outage; these two would otherwise print every reconnect.
  for (const duplicate of [workerConnection, eventsConnection]) duplicate.on('error', () => undefined);
  const worker = new Worker<{ auditId: string }>(AUDIT_QUEUE, async (job) => {
    await runAudit(context, host, job.data.auditId);
  }, { connection: workerConnection, prefix, concurrency: 1 });
  worker.on('error', (error) => logger.error({ err: error }, 'audit worker error'));
  const events = new QueueEvents(AUDIT_QUEUE, { connection: eventsConnection, prefix });
  await events.waitUntilReady();

  const enqueue = (auditId: string) => queue.add('audit', { auditId }, { jobId: auditId });
  const requeueUnfinished = async (): Promise<void> => {
    for (const auditId of await unfinishedAudits(context.sql)) await enqueue(auditId);
  };
  await requeueUnfinished();
  // A Redis that comes back empty has forgotten the queued audits; the job id is the audit id,
  // so enqueueing one that Redis still holds changes nothing.
  const onReady = (): void => void requeueUnfinished().catch((error: unknown) => logger.error({ err: error }, 'could not requeue audits'));
  connection.on('ready', onReady);

  return {
    async start(auditId, wait) {
      const job = await enqueue(auditId);
      if (wait) await job.waitUntilFinished(events, WAIT_MS);
    },
    async close() {
      connection.off('ready', onReady);
      await worker.close();
      await events.close();
      await queue.close();
      workerConnection.disconnect();
      eventsConnection.disconnect();
    },
  };
}

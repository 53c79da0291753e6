/**
 * A node's queues in one process: a producer of every queue (the web process only enqueues), and,
 * when the process runs workers (NODE_PROCESS=worker or all), one worker per queue with its job
 * scheduler and its recovery of unfinished work. What the HTTP API needs from the queues (enqueue an
 * import, queue a sweep, trigger a sync or an audit and wait for it) goes through the producers, so
 * it works the same whether the worker is this process or another one.
 */
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import type { NodeMetrics } from '../health/metrics.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import type { FederationContext } from '../../federation/index.ts';
import type { AuditHost, SyncTrigger, AuditTrigger } from '../../federation/index.ts';
import type { EventLogSequencer } from '../cases/event-log-source.ts';
import { createAuditHost } from '../supervision/audit-host.ts';
import { auditSweep, ownSummarySource } from '../federation-wiring.ts';
import type { SweepDeps } from '../supervision/sweep.ts';
import type { AlertNotifier } from '../supervision/alert-notifier.ts';
import { departmentNotifier } from '../notify/department-notifier.ts';
import { notificationEnqueuer, notifyQueue, openChannels, type NotificationJobs } from '../notify/notification-queue.ts';
import { importEnqueuer, importQueue, type ImportQueue } from '../imports/import-queue.ts';
import { JobProducer, startQueueWorker, type QueueWorker } from '../core/define-queue.ts';
import { sweepJobs, sweepQueue, type SweepJobs } from './sweep-queue.ts';
import { syncQueue, syncTrigger } from './sync-queue.ts';
import { auditQueue, auditTrigger } from './audit-queue.ts';

export interface NodeJobsParts {
  settings: Settings;
  orm: MikroORM;
  rules: TimeRules;
  logger: Logger;
  metrics: NodeMetrics;
  federation: FederationContext;
  sequencer: EventLogSequencer;
  now: () => Date;
}

export interface NodeJobs {
  imports: ImportQueue;
  notifications: NotificationJobs;
  notifier: AlertNotifier;
  sweeps: SweepJobs;
  /** Queues the sweep of an ingested batch's cases (unset with SWEEP_AFTER_INGEST=false). */
  afterIngest?: (caseNos: string[]) => void;
  sync: SyncTrigger;
  audits: AuditTrigger;
  auditHost: AuditHost;
  /** The queues this process runs workers of (empty in a web process). */
  workerQueues: readonly string[];
  /** Closes the workers first (letting running jobs finish), then the producers. */
  close(): Promise<void>;
}

/** Whether a process in `role` runs the queue workers and job schedulers. */
export function runsWorkers(role: Settings['nodeProcess']): boolean {
  return role === 'worker' || role === 'all';
}

/** Opens the producers and, when `settings.nodeProcess` says so, the workers (see the file comment). */
export async function startNodeJobs(redis: Redis, parts: NodeJobsParts): Promise<NodeJobs> {
  const { settings, orm, rules, logger, now } = parts;
  const prefix = settings.queuePrefix;
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err }, 'error while closing the queues'));
  };
  try {
    const notify = notifyQueue(settings);
    const producers = {
      imports: new JobProducer(importQueue, redis, prefix),
      notify: new JobProducer(notify, redis, prefix),
      sweep: new JobProducer(sweepQueue, redis, prefix),
      sync: new JobProducer(syncQueue, redis, prefix, { waits: true }),
      audits: new JobProducer(auditQueue, redis, prefix, { waits: true }),
    };
    for (const producer of Object.values(producers)) closers.push(() => producer.close());
    await Promise.all(Object.values(producers).map((producer) => producer.ready()));

    const notifications: NotificationJobs = { ...notificationEnqueuer(producers.notify), close: () => producers.notify.close() };
    const notifier = departmentNotifier(notifications);
    const sweepDeps: SweepDeps = { nodeCode: settings.nodeCode, rules, notifier, logger };
    const sweeps = sweepJobs(producers.sweep, orm, sweepDeps, logger);
    const afterIngest = settings.sweepAfterIngest ? (caseNos: string[]) => sweeps.afterIngest(caseNos) : undefined;
    const auditHost = createAuditHost(rules, auditSweep(orm, sweepDeps, now));

    const workers: QueueWorker[] = [];
    if (runsWorkers(settings.nodeProcess)) {
      const channels = openChannels({ orm, logger, settings, now });
      closers.push(async () => channels.close());
      const starts = [
        () => startQueueWorker(importQueue, {
          orm, rules, settings, logger, metrics: parts.metrics, now, afterChunk: (touched: string[]) => {
            parts.sequencer.kick();
            afterIngest?.(touched);
          },
        }, producers.imports, redis, prefix, logger),
        () => startQueueWorker(notify, { orm, logger, settings, now, channels: channels.channels }, producers.notify, redis, prefix, logger),
        () => startQueueWorker(sweepQueue, { orm, sweep: sweepDeps, intervalSeconds: settings.sweepIntervalSeconds, now, logger }, producers.sweep, redis, prefix, logger),
        () => startQueueWorker(syncQueue, { context: parts.federation, source: ownSummarySource(settings.nodeCode), sequencer: parts.sequencer, intervalSeconds: settings.syncIntervalSeconds, logger }, producers.sync, redis, prefix, logger),
        () => startQueueWorker(auditQueue, { context: parts.federation, host: auditHost, orm, rules }, producers.audits, redis, prefix, logger),
      ];
      for (const start of starts) {
        const worker = await start();
        workers.push(worker);
        closers.push(() => worker.close());
      }
    }
    let closing: Promise<void> | null = null;
    return {
      imports: importEnqueuer(producers.imports),
      notifications, notifier, sweeps, ...(afterIngest ? { afterIngest } : {}),
      sync: syncTrigger(producers.sync),
      audits: auditTrigger(producers.audits),
      auditHost,
      workerQueues: workers.map((worker) => worker.worker.name),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Starting and stopping one node: database (migrated on start), rules, Redis, the import worker
 * and the HTTP server. `startNode` is what `npm start`, the demo and the tests all use.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { openOrm } from './db/orm.ts';
import { prepareDatabase } from './db/runtime-role.ts';
import { createApp } from './http/app.ts';
import { createMetrics } from './health/metrics.ts';
import { TimeRules } from './timelimits/time-rules.ts';
import { ImportQueue } from './imports/import-queue.ts';
import { startImportWorker, unfinishedImports } from './imports/import-worker.ts';
import { createLogger } from './logger.ts';
import { resolveKeySecret } from './config/key-secret.ts';
import { poolRunner } from './core/db.ts';
import { NodeIdentity } from '../federation/index.ts';
import { auditSweep, batchApplier, createFederationContext, ownSummarySource } from './federation-wiring.ts';
import { startSyncJobs } from './jobs/sync-queue.ts';
import { startAuditJobs } from './jobs/audit-queue.ts';
import { startNotificationJobs, type NotificationJobs } from './notify/notification-queue.ts';
import { startSweepJobs } from './jobs/sweep-queue.ts';
import { departmentNotifier } from './notify/department-notifier.ts';
import { createAuditHost } from './supervision/audit-host.ts';
import { wireHooks } from './hook-wiring.ts';
import { createEventLogSequencer } from './cases/event-log-source.ts';
import { nodePolicyHost } from './timelimits/issued-policies.ts';
import { PolicyIssuer } from './timelimits/policy-provenance.ts';
import { systemClock, type Clock } from './core/clock.ts';

export interface NodeHandle {
  settings: Settings;
  url: string;
  orm: MikroORM;
  rules: TimeRules;
  logger: Logger;
  /** Delivery of department notifications: `enqueue` the ids createNotifications answered, after commit. */
  notifications: NotificationJobs;
  /** Stops taking requests, lets running work finish, and closes every connection. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** The clock for defaults (`?at=` omitted, receivedAt). Tests pass their own. */
  now?: Clock;
  logger?: Logger;
}

export async function startNode(settings: Settings, options: StartOptions = {}): Promise<NodeHandle> {
  const now = options.now ?? systemClock;
  wireHooks();
  const logger = options.logger ?? createLogger(settings.logLevel, { node: settings.nodeCode });
  const orm = await openOrm(settings.databaseUrl);
  const closers: (() => Promise<unknown>)[] = [() => orm.close(true)];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
  };
  try {
    // Migrates (through DATABASE_OWNER_URL when set) and checks the runtime role cannot rewrite the audit trail.
    const auditTrail = await prepareDatabase(orm, settings, logger);
    const rules = new TimeRules();
    const seeded = await rules.seedCalendars(orm.em.fork(), settings.calendarDir);
    if (seeded.length > 0) logger.info({ years: seeded }, '已载入节假日安排 (calendar years loaded from files)');
    await rules.reload(orm.em.fork());
    const keySecret = resolveKeySecret(settings);
    if (keySecret.source === 'new file') logger.warn({ file: settings.keySecretFile }, '已生成密钥保护口令文件, 请妥善备份 (generated the key secret file: back it up, or set NODE_KEY_SECRET)');
    const identity = await NodeIdentity.open(poolRunner(orm), keySecret.secret, now());
    logger.info({ kid: identity.ring.currentKid }, 'node identity loaded');
    const federation = await createFederationContext(settings, orm, identity, logger, now, nodePolicyHost(orm, rules));
    const policyIssuer = new PolicyIssuer({ code: settings.nodeCode, level: settings.nodeLevel }, identity, now);

    // BullMQ needs maxRetriesPerRequest null on its connections; the queue and the worker each get one.
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    closers.push(() => redis.quit());
    const workerRedis = redis.duplicate();
    closers.push(() => workerRedis.quit());
    const metrics = createMetrics(settings.nodeCode);
    const imports = new ImportQueue(redis, settings.queuePrefix);
    closers.push(() => imports.close());
    const notifications = await startNotificationJobs(redis, settings.queuePrefix, { orm, logger, settings, now });
    closers.push(() => notifications.close());
    const notifier = departmentNotifier(notifications);
    const sequencer = createEventLogSequencer(orm, logger);
    closers.push(() => sequencer.idle());
    sequencer.kick();
    const sweeps = await startSweepJobs(redis, settings.queuePrefix, settings.sweepIntervalSeconds, orm, { nodeCode: settings.nodeCode, rules, notifier, logger }, now, logger);
    closers.push(() => sweeps.close());
    const afterIngest = settings.sweepAfterIngest ? (caseNos: string[]) => sweeps.afterIngest(caseNos) : undefined;
    const worker: Worker = startImportWorker(workerRedis, settings.queuePrefix, {
      orm, rules, logger, metrics, now, afterChunk: (touched) => {
        sequencer.kick();
        afterIngest?.(touched);
      },
    });
    closers.push(() => worker.close());
    const requeueImports = async (): Promise<void> => {
      for (const id of await unfinishedImports(orm.em.fork())) await imports.enqueue(id);
    };
    await requeueImports();
    // A Redis that comes back empty has forgotten queued imports. The job id is the import id and
    // a finished import returns at once, so enqueueing again never runs one twice.
    redis.on('ready', () => void requeueImports().catch((err: unknown) => logger.error({ err }, 'could not requeue imports')));
    const sync = await startSyncJobs(redis, settings.queuePrefix, settings.syncIntervalSeconds, federation, ownSummarySource(settings.nodeCode), sequencer, logger);
    closers.push(() => sync.close());
    const auditHost = createAuditHost(rules, auditSweep(orm, { nodeCode: settings.nodeCode, rules, notifier, logger }));
    const audits = await startAuditJobs(redis, settings.queuePrefix, federation, auditHost, logger);
    closers.push(() => audits.close());

    const app = createApp({ settings, orm, logger, redis, metrics, rules, imports, identity, federation, sync, sequencer, applier: batchApplier(), policyIssuer, audits, auditHost, notifications, notifier, sweeps, afterIngest, auditTrail, now });
    const server: Server = await new Promise((resolve, reject) => {
      const listening = app.listen(settings.port, settings.host, () => resolve(listening));
      listening.once('error', reject);
    });
    server.requestTimeout = 10 * 60 * 1000;
    closers.push(() => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }));
    const { port } = server.address() as AddressInfo;
    const url = `http://${settings.host}:${port}`;
    logger.info({ url, code: settings.nodeCode, level: settings.nodeLevel }, '监察节点已启动 (node started)');
    let closing: Promise<void> | null = null;
    return { settings, url, orm, rules, logger, notifications, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

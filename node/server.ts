/**
 * Starting and stopping one process of a node: database (migrated on start), rules, Redis, the
 * queues, and the HTTP server. NODE_PROCESS says what the process runs: `all` (default) is the
 * whole node in one process; `web` serves the API and only enqueues jobs; `worker` runs every queue
 * worker and job scheduler and serves only GET /health. `startNode` is what `npm start`, the demo
 * and the tests all use.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import type Koa from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { openOrm } from './db/orm.ts';
import { prepareDatabase, type AuditProtection } from './db/runtime-role.ts';
import { createApp } from './http/app.ts';
import { createHealthApp } from './health/health-app.ts';
import { createMetrics } from './health/metrics.ts';
import { TimeRules } from './timelimits/time-rules.ts';
import { applyTimelineUpgrades } from './timelimits/timeline-upgrades.ts';
import { createLogger } from './logger.ts';
import { resolveKeySecret } from './config/key-secret.ts';
import { poolRunner } from './core/db.ts';
import { NodeIdentity } from '../federation/index.ts';
import { batchApplier, createFederationContext } from './federation-wiring.ts';
import type { NotificationJobs } from './notify/notification-queue.ts';
import { startNodeJobs } from './jobs/node-jobs.ts';
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
  /** The queues this process runs a worker of (none in a web process). */
  workerQueues: readonly string[];
  /** Stops taking requests, lets running work finish, and closes every connection. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** The clock for defaults (`?at=` omitted, receivedAt). Tests pass their own. */
  now?: Clock;
  logger?: Logger;
}

// Processes of one node starting together take turns to migrate, seed the calendars, apply the
// release's time-rule changes and load or make the node's keys: each finds what the first one did.
const START_LOCK = "hashtext('supervision.node-start')";

async function oneStartAtATime<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${START_LOCK})`);
    return await work();
  } finally {
    // Ending the session releases the lock, also when the unlock itself cannot be sent.
    await client.query(`SELECT pg_advisory_unlock(${START_LOCK})`).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

interface Prepared {
  auditTrail: AuditProtection;
  identity: NodeIdentity;
}

export async function startNode(settings: Settings, options: StartOptions = {}): Promise<NodeHandle> {
  const now = options.now ?? systemClock;
  wireHooks();
  const logger = options.logger ?? createLogger(settings.logLevel, { node: settings.nodeCode, process: settings.nodeProcess });
  const orm = await openOrm(settings.databaseUrl);
  const closers: (() => Promise<unknown>)[] = [() => orm.close(true)];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
  };
  try {
    const rules = new TimeRules();
    const { auditTrail, identity } = await oneStartAtATime<Prepared>(settings.databaseUrl, async () => {
      // Migrates (through DATABASE_OWNER_URL when set) and checks the runtime role cannot rewrite the audit trail.
      const protection = await prepareDatabase(orm, settings, logger);
      const seeded = await rules.seedCalendars(orm.em.fork(), settings.calendarDir);
      if (seeded.length > 0) logger.info({ years: seeded }, '已载入节假日安排 (calendar years loaded from files)');
      // Time-rule changes of this release: recompute what the old rule cached, before anything judges.
      await applyTimelineUpgrades(orm.em.fork(), rules, logger);
      const keySecret = resolveKeySecret(settings);
      if (keySecret.source === 'new file') logger.warn({ file: settings.keySecretFile }, '已生成密钥保护口令文件, 请妥善备份 (generated the key secret file: back it up, or set NODE_KEY_SECRET)');
      return { auditTrail: protection, identity: await NodeIdentity.open(poolRunner(orm), keySecret.secret, now()) };
    });
    await rules.reload(orm.em.fork());
    logger.info({ kid: identity.ring.currentKid }, 'node identity loaded');
    const federation = await createFederationContext(settings, orm, identity, logger, now, nodePolicyHost(orm, rules));
    const policyIssuer = new PolicyIssuer({ code: settings.nodeCode, level: settings.nodeLevel }, identity, now);

    // BullMQ needs maxRetriesPerRequest null on its connections; each worker duplicates this one.
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    closers.push(() => redis.quit());
    const metrics = createMetrics(settings.nodeCode);
    // Every process may append to the Merkle log (one writer at a time: an advisory lock); a web
    // process numbers the events it ingests and logs stragglers after each batch, a worker logs
    // them before every sync and once at start (left by a process that stopped before it could).
    const sequencer = createEventLogSequencer(orm, logger);
    closers.push(() => sequencer.idle());
    const jobs = await startNodeJobs(redis, { settings, orm, rules, logger, metrics, federation, sequencer, now });
    closers.push(() => jobs.close());
    if (jobs.workerQueues.length > 0) sequencer.kick();

    const app: Koa = settings.nodeProcess === 'worker'
      ? createHealthApp({ settings, orm, logger, redis, metrics, rules, identity, auditTrail, now })
      : createApp({
        settings, orm, logger, redis, metrics, rules, imports: jobs.imports, identity, federation, sync: jobs.sync, sequencer, applier: batchApplier(), policyIssuer,
        audits: jobs.audits, auditHost: jobs.auditHost, notifications: jobs.notifications, notifier: jobs.notifier, sweeps: jobs.sweeps,
        ...(jobs.afterIngest ? { afterIngest: jobs.afterIngest } : {}), auditTrail, now,
      });
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
    logger.info({ url, code: settings.nodeCode, level: settings.nodeLevel, process: settings.nodeProcess, workers: jobs.workerQueues }, '监察节点已启动 (node started)');
    let closing: Promise<void> | null = null;
    return { settings, url, orm, rules, logger, notifications: jobs.notifications, workerQueues: jobs.workerQueues, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

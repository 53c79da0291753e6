/**
 * Delivery of notifications (BullMQ queue 'notify'): one job per notification, its id
 * `notification-<id>`, so enqueueing twice (after commit, then the restart sweep) delivers once.
 * Each try is recorded as a notification_attempts row together with the notification's counters
 * in one transaction; a failed try is retried with exponential backoff until NOTIFY_ATTEMPTS,
 * then the notification is 'failed' (at once for a permanent refusal). The alert is never touched:
 * a channel that fails loses nothing but its own message, and the row stays for people to read.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import type { Channel, ChannelName } from './channel.ts';
import { webhookChannel } from './webhook-channel.ts';
import { webhookDestinations } from './webhook-destination.ts';
import { emailChannel } from './email-channel.ts';
import { smsChannel } from './sms-channel.ts';
import { DepartmentContact } from './department-contact.entity.ts';
import { Notification } from './notification.entity.ts';
import { NotificationAttempt } from './notification-attempt.entity.ts';
import { pendingNotificationIds } from './notification-store.ts';
import { defineQueue, JobProducer, startQueueWorker, type QueueDefinition } from '../core/define-queue.ts';

export const NOTIFY_QUEUE = 'notify';
/** Deliveries at once: a slow receiver (up to the 10 s timeout) does not hold up the others. */
const CONCURRENCY = 4;

export interface NotifyJobData {
  notificationId: number;
}

export interface NotificationJobs {
  /** Queues delivery of these notifications (after the transaction that wrote them committed). */
  enqueue(ids: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

export interface NotificationDeps {
  orm: MikroORM;
  logger: Logger;
  settings: Pick<Settings, 'smtpUrl' | 'mailFrom' | 'smsUrlTemplate' | 'smsMethod' | 'smsBodyTemplate' | 'notifyAttempts' | 'notifyBackoffMs' | 'webhookAllowedNetworks'>;
  /** The clock of attempt rows, sent instants and webhook timestamps. */
  now: () => Date;
}

function jobId(notificationId: number): string {
  return `notification-${notificationId}`;
}

function clip(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/** One try at delivering one notification; throws to have BullMQ retry (or not, when unrecoverable). */
async function deliver(deps: NotificationWorkerDeps, job: Job<NotifyJobData>): Promise<void> {
  const { channels } = deps;
  const em = deps.orm.em.fork();
  const { notificationId } = job.data;
  const notification = await em.findOne(Notification, { id: notificationId });
  // Gone, or already sent or failed (a job queued again after it ended): nothing to do.
  if (!notification || notification.status !== 'pending') return;
  const channel = (channels as Record<string, Channel | undefined>)[notification.channel];
  const secret = notification.channel === 'webhook'
    ? (await em.findOne(DepartmentContact, { id: notification.contactId }, { fields: ['secret'] }))?.secret ?? null
    : null;
  const at = deps.now();
  let response: string | null = null;
  let failure: Error | null = null;
  try {
    if (!channel) throw new UnrecoverableError(`未知的通知渠道 (unknown channel) ${notification.channel}`);
    ({ response } = await channel({
      notificationId, address: notification.address, subject: notification.subject, text: notification.text, payload: notification.payload, secret,
    }));
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  const lastTry = failure !== null && (failure instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  await em.transactional(async (tx) => {
    const row = await tx.findOneOrFail(Notification, { id: notificationId });
    row.attempts += 1;
    tx.create(NotificationAttempt, {
      notificationId, attempt: row.attempts, at, ok: failure === null,
      response: response === null ? null : clip(response), error: failure === null ? null : clip(failure.message),
    });
    if (failure === null) {
      row.status = 'sent';
      row.sentAt = at;
      row.lastError = null;
    } else {
      row.lastError = clip(failure.message);
      if (lastTry) row.status = 'failed';
    }
  });
  const log = deps.logger.child({ notificationId, channel: notification.channel, attempt: job.attemptsMade + 1 });
  if (failure === null) log.info('通知已送达 (notification delivered)');
  else if (lastTry) log.error({ error: failure.message }, '通知发送失败, 不再重试 (notification failed for good)');
  else log.warn({ error: failure.message }, '通知发送失败, 稍后重试 (notification attempt failed; retrying)');
  if (failure) throw failure;
}

/** A worker's deps: the node's, and the channels it opened (closed with the worker). */
export interface NotificationWorkerDeps extends NotificationDeps {
  channels: Record<ChannelName, Channel>;
}

export type NotifyQueue = QueueDefinition<NotifyJobData, NotificationWorkerDeps, void>;

/**
 * The queue, declared from the node's settings (its retries are NOTIFY_ATTEMPTS and
 * NOTIFY_BACKOFF_MS). Ended jobs are removed: the database keeps every attempt, and a notification
 * sent again by hand (failed → pending) can then be queued under the same job id.
 */
export function notifyQueue(settings: Pick<Settings, 'notifyAttempts' | 'notifyBackoffMs'>): NotifyQueue {
  return defineQueue<NotifyJobData, NotificationWorkerDeps>({
    name: NOTIFY_QUEUE,
    jobSchema: {
      type: 'object', additionalProperties: false, required: ['notificationId'],
      properties: { notificationId: { type: 'integer', minimum: 1 } },
    },
    attempts: settings.notifyAttempts,
    backoff: { type: 'exponential', delay: settings.notifyBackoffMs },
    concurrency: CONCURRENCY,
    keep: { completed: true, failed: true },
    handler: (job, deps) => deliver(deps, job),
    recover: async (deps) => (await pendingNotificationIds(deps.orm.em.fork())).map((notificationId) => ({ data: { notificationId }, jobId: jobId(notificationId) })),
    // A try that failed before it could be recorded (the database was down) on the last attempt
    // would leave the row pending with no job: mark it failed, as the processor would have.
    async onFailedForGood(job, error, deps) {
      await deps.orm.em.fork().nativeUpdate(Notification, { id: job.data.notificationId, status: 'pending' }, { status: 'failed', lastError: clip(error.message) });
    },
  });
}

/** The workflow's view of the producer: queue delivery of notifications (after their commit). */
export function notificationEnqueuer(producer: JobProducer<NotifyJobData, NotificationWorkerDeps, void>): Pick<NotificationJobs, 'enqueue'> {
  return {
    enqueue: (ids) => producer.addBulk(ids.map((notificationId) => ({ data: { notificationId }, jobId: jobId(notificationId) }))),
  };
}

/** Opens the delivery channels a notification worker sends through. */
export function openChannels(deps: NotificationDeps): { channels: Record<ChannelName, Channel>; close(): void } {
  const email = emailChannel(deps.settings);
  return { channels: { webhook: webhookChannel(deps.now, webhookDestinations(deps.settings)), email: email.send, sms: smsChannel(deps.settings) }, close: () => email.close() };
}

/**
 * Starts a producer and a worker of the queue on `connection` and queues every notification still
 * pending (a node stopped mid-delivery, a Redis that came back empty: again on every reconnect).
 */
export async function startNotificationJobs(connection: Redis, prefix: string, deps: NotificationDeps): Promise<NotificationJobs> {
  const definition = notifyQueue(deps.settings);
  const producer = new JobProducer(definition, connection, prefix);
  const opened = openChannels(deps);
  const worker = await startQueueWorker(definition, { ...deps, channels: opened.channels }, producer, connection, prefix, deps.logger);
  return {
    ...notificationEnqueuer(producer),
    async close() {
      await worker.close();
      await producer.close();
      opened.close();
    },
  };
}

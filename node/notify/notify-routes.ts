/**
 * `/api/v1/departments/:code/contacts` (PUT replaces the list, GET reads it; secrets are never
 * answered) and `/api/v1/notifications` (keyset list, newest first; one with its attempts; a failed
 * one sent again).
 */
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { assertSchema, noBody } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseCode, parseEnum, parseLimit } from '../http/query-params.ts';
import type { RequestState } from '../http/state.ts';
import { Department } from '../catalog/department.entity.ts';
import { CHANNELS } from './channel.ts';
import { DepartmentContact } from './department-contact.entity.ts';
import { Notification } from './notification.entity.ts';
import { NotificationAttempt } from './notification-attempt.entity.ts';
import { NOTIFICATION_STATUSES } from './notification-store.ts';
import { presentContact, replaceContacts, type ContactInput } from './contact-store.ts';
import type { NotificationJobs } from './notification-queue.ts';

export interface NotifyRouteDeps {
  notifications: Pick<NotificationJobs, 'enqueue'>;
  now: () => Date;
}

function presentNotification(notification: Notification) {
  return {
    id: notification.id,
    alertId: notification.alertId,
    contactId: notification.contactId,
    kind: notification.kind,
    channel: notification.channel,
    address: notification.address,
    subject: notification.subject,
    text: notification.text,
    payload: notification.payload,
    status: notification.status,
    attempts: notification.attempts,
    lastError: notification.lastError ?? null,
    createdAt: notification.createdAt.toISOString(),
    sentAt: notification.sentAt ? notification.sentAt.toISOString() : null,
  };
}

function presentAttempt(attempt: NotificationAttempt) {
  return { attempt: attempt.attempt, at: attempt.at.toISOString(), ok: attempt.ok, response: attempt.response ?? null, error: attempt.error ?? null };
}

/** A positive integer id from the path or query, else INVALID_PARAMETER naming `field`. */
function parseId(raw: unknown, field: string): number | null {
  if (raw === undefined || raw === '') return null;
  const id = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id < 1) {
    throw new AppError('INVALID_PARAMETER', { field, problem: 'must be a positive integer' });
  }
  return id;
}

async function departmentCode(em: EntityManager, raw: string | undefined): Promise<string> {
  const code = parseCode(raw, 'code');
  if (!code) throw new AppError('INVALID_PARAMETER', { field: 'code', problem: 'required' });
  if (!(await em.findOne(Department, { code }, { fields: ['code'] }))) throw new AppError('NOT_FOUND', { department: code });
  return code;
}

async function notificationAt(em: EntityManager, raw: string | undefined): Promise<Notification> {
  const id = parseId(raw ?? '', 'id');
  const notification = id === null ? null : await em.findOne(Notification, { id });
  if (!notification) throw new AppError('NOT_FOUND', { notification: raw });
  return notification;
}

export function notifyRouter(deps: NotifyRouteDeps): Router<RequestState> {
  const router = new Router<RequestState>();

  router.put('/departments/:code/contacts', async (ctx) => {
    const code = await departmentCode(ctx.state.em, ctx.params.code);
    assertSchema('department-contacts.schema.json', ctx.request.body); // fills enabled: true
    const { contacts } = ctx.request.body as { contacts: ContactInput[] };
    const saved = await replaceContacts(ctx.state.em, code, contacts, deps.now());
    ctx.body = { departmentCode: code, contacts: saved.map(presentContact) };
  });

  router.get('/departments/:code/contacts', async (ctx) => {
    const code = await departmentCode(ctx.state.em, ctx.params.code);
    const contacts = await ctx.state.em.find(DepartmentContact, { departmentCode: code }, { orderBy: { id: 'asc' } });
    ctx.body = { departmentCode: code, contacts: contacts.map(presentContact) };
  });

  router.get('/notifications', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const cursor = decodeCursor(ctx.query.cursor);
    const before = cursor === null ? null : Number(cursor);
    if (before !== null && !(Number.isSafeInteger(before) && before > 0)) throw new AppError('INVALID_PARAMETER', { field: 'cursor', problem: 'not a cursor this API returned' });
    const alertId = parseId(ctx.query.alertId, 'alertId');
    const status = parseEnum(ctx.query.status, 'status', NOTIFICATION_STATUSES);
    const channel = parseEnum(ctx.query.channel, 'channel', CHANNELS);
    // Newest first: the cursor is the last id seen.
    const rows = await ctx.state.em.find(Notification, {
      ...(before !== null ? { id: { $lt: before } } : {}),
      ...(alertId !== null ? { alertId } : {}),
      ...(status !== null ? { status } : {}),
      ...(channel !== null ? { channel } : {}),
    }, { orderBy: { id: 'desc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentNotification), nextCursor: rows.length > limit ? encodeCursor(String(page.at(-1)!.id)) : null };
  });

  router.get('/notifications/:id', async (ctx) => {
    const notification = await notificationAt(ctx.state.em, ctx.params.id);
    const attempts = await ctx.state.em.find(NotificationAttempt, { notificationId: notification.id }, { orderBy: { attempt: 'asc', id: 'asc' } });
    ctx.body = { ...presentNotification(notification), attemptLog: attempts.map(presentAttempt) };
  });

  // A failed notification (every try used up, or refused for good) queued again, e.g. once the
  // receiver is back or SMTP_URL is set: a fresh round of tries; earlier attempts stay recorded.
  router.post('/notifications/:id/retry', noBody, async (ctx) => {
    const notification = await notificationAt(ctx.state.em, ctx.params.id);
    const reset = await ctx.state.em.nativeUpdate(Notification, { id: notification.id, status: 'failed' }, { status: 'pending' });
    if (reset === 0) throw new AppError('NOTIFICATION_NOT_FAILED', { notification: notification.id, status: notification.status });
    await deps.notifications.enqueue([notification.id]);
    ctx.status = 202;
    ctx.body = { ...presentNotification(notification), status: 'pending' };
  });

  return router;
}

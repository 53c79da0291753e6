/**
 * `/api/v1/departments/:code/contacts` (PUT replaces the list, GET reads it; secrets are never
 * answered) and `/api/v1/notifications` (keyset list, newest first; one with its attempts; a failed
 * one sent again): route contracts.
 */
import Type from 'typebox';
import { AppError } from '../core/errors.ts';
import { isoLocal, isoLocalOrNull } from '../core/instants.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, positiveIdKey } from '../core/pagination.ts';
import { Code, PositiveId } from '../core/schema-types.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHANNELS } from './channel.ts';
import type { Notification } from './notification.entity.ts';
import type { NotificationAttempt } from './notification-attempt.entity.ts';
import { NOTIFICATION_STATUSES } from './notification-store.ts';
import { presentContact, replaceContacts, type ContactInput } from './contact-store.ts';
import type { NotificationJobs } from './notification-queue.ts';
import type { WebhookDestinations } from './webhook-destination.ts';
import { attemptsOf, contactsOf, countNotifications, departmentExists, findNotification, listNotifications, resetFailed } from './notification-reads.ts';

export interface NotifyRouteDeps {
  notifications: Pick<NotificationJobs, 'enqueue'>;
  /** Where a webhook contact may point (checked before it is saved). */
  destinations: WebhookDestinations;
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
    createdAt: isoLocal(notification.createdAt),
    sentAt: isoLocalOrNull(notification.sentAt),
  };
}

function presentAttempt(attempt: NotificationAttempt) {
  return { attempt: attempt.attempt, at: isoLocal(attempt.at), ok: attempt.ok, response: attempt.response ?? null, error: attempt.error ?? null };
}

async function knownDepartment(em: EntityManager, code: string): Promise<string> {
  if (!(await departmentExists(em, code))) throw new AppError('NOT_FOUND', { department: code });
  return code;
}

async function notificationAt(em: EntityManager, id: number): Promise<Notification> {
  const notification = await findNotification(em, id);
  if (!notification) throw new AppError('NOT_FOUND', { notification: String(id) });
  return notification;
}

const DepartmentParams = Type.Object({ code: Code('部门代码 (department code)') });
const NotificationParams = Type.Object({ id: PositiveId('通知编号 (notification id)') });

export function notifyRoutes(deps: NotifyRouteDeps): RouteShape[] {
  return [
    defineRoute({
      method: 'PUT', path: '/departments/:code/contacts', summary: '替换部门联系人 (replace a department\'s contacts)',
      params: DepartmentParams, body: publishedBody<{ contacts: ContactInput[] }>('department-contacts.schema.json'), // fills enabled: true
      handler: async (ctx) => {
        const code = await knownDepartment(ctx.state.em, ctx.input.params.code);
        const saved = await replaceContacts(ctx.state.em, code, ctx.input.body.contacts, deps.now(), deps.destinations);
        ctx.body = { departmentCode: code, contacts: saved.map(presentContact) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/departments/:code/contacts', summary: '部门联系人 (a department\'s contacts, without secrets)', params: DepartmentParams,
      handler: async (ctx) => {
        const code = await knownDepartment(ctx.state.em, ctx.input.params.code);
        ctx.body = { departmentCode: code, contacts: (await contactsOf(ctx.state.em, code)).map(presentContact) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/notifications', summary: '通知列表, 最新在前 (notifications, newest first)',
      query: listQuery({
        alertId: Type.Optional(PositiveId()),
        status: Type.Optional(Type.Enum([...NOTIFICATION_STATUSES])),
        channel: Type.Optional(Type.Enum([...CHANNELS])),
      }),
      handler: async (ctx) => {
        const { alertId, status, channel } = ctx.input.query;
        const filter = { ...(alertId !== undefined ? { alertId } : {}), ...(status !== undefined ? { status } : {}), ...(channel !== undefined ? { channel } : {}) };
        ctx.body = await keysetPage(ctx.input.query, {
          parseKey: positiveIdKey,
          rows: (before, take) => listNotifications(ctx.state.em, filter, before, take),
          keyOf: (row) => String(row.id),
          count: () => countNotifications(ctx.state.em, filter),
        }, presentNotification);
      },
    }),
    defineRoute({
      method: 'GET', path: '/notifications/:id', summary: '一条通知及其发送记录 (one notification with its attempts)', params: NotificationParams,
      handler: async (ctx) => {
        const notification = await notificationAt(ctx.state.em, ctx.input.params.id);
        ctx.body = { ...presentNotification(notification), attemptLog: (await attemptsOf(ctx.state.em, notification.id)).map(presentAttempt) };
      },
    }),
    // A failed notification (every try used up, or refused for good) queued again, e.g. once the
    // receiver is back or SMTP_URL is set: a fresh round of tries; earlier attempts stay recorded.
    defineRoute({
      method: 'POST', path: '/notifications/:id/retry', summary: '重发失败的通知 (send a failed notification again)', params: NotificationParams, body: 'none',
      response: { status: 202 },
      handler: async (ctx) => {
        const notification = await notificationAt(ctx.state.em, ctx.input.params.id);
        if (!(await resetFailed(ctx.state.em, notification.id))) throw new AppError('NOTIFICATION_NOT_FAILED', { notification: notification.id, status: notification.status });
        // Queued once the reset committed with its audit entry; the worker must find it pending.
        ctx.state.afterCommit(() => deps.notifications.enqueue([notification.id]));
        ctx.status = 202;
        ctx.body = { ...presentNotification(notification), status: 'pending' };
      },
    }),
  ];
}

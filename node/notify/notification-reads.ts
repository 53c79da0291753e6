/** Reading notifications and contacts for the API: lists, one notification with its attempts, a retry's reset. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from '../catalog/department.entity.ts';
import { DepartmentContact } from './department-contact.entity.ts';
import { Notification } from './notification.entity.ts';
import { NotificationAttempt } from './notification-attempt.entity.ts';

export interface NotificationFilter {
  alertId?: number;
  status?: string;
  channel?: string;
}

const whereOf = (filter: NotificationFilter) => ({
  ...(filter.alertId !== undefined ? { alertId: filter.alertId } : {}),
  ...(filter.status !== undefined ? { status: filter.status } : {}),
  ...(filter.channel !== undefined ? { channel: filter.channel } : {}),
});

/** Up to `take` notifications of `filter` with an id below `before`, newest first. */
export function listNotifications(em: EntityManager, filter: NotificationFilter, before: number | null, take: number): Promise<Notification[]> {
  return em.find(Notification, { ...whereOf(filter), ...(before !== null ? { id: { $lt: before } } : {}) }, { orderBy: { id: 'desc' }, limit: take });
}

export function countNotifications(em: EntityManager, filter: NotificationFilter): Promise<number> {
  return em.count(Notification, whereOf(filter));
}

export function findNotification(em: EntityManager, id: number): Promise<Notification | null> {
  return em.findOne(Notification, { id });
}

export function attemptsOf(em: EntityManager, notificationId: number): Promise<NotificationAttempt[]> {
  return em.find(NotificationAttempt, { notificationId }, { orderBy: { attempt: 'asc', id: 'asc' } });
}

/** Sets a failed notification back to pending; false when it was not failed. */
export async function resetFailed(em: EntityManager, id: number): Promise<boolean> {
  return (await em.nativeUpdate(Notification, { id, status: 'failed' }, { status: 'pending' })) > 0;
}

export async function departmentExists(em: EntityManager, code: string): Promise<boolean> {
  return (await em.findOne(Department, { code }, { fields: ['code'] })) !== null;
}

export function contactsOf(em: EntityManager, departmentCode: string): Promise<DepartmentContact[]> {
  return em.find(DepartmentContact, { departmentCode }, { orderBy: { id: 'asc' } });
}

/** The workflow's {@link AlertNotifier} over the department contacts and the notification queue. */
import type { AlertNotifier } from '../supervision/alert-notifier.ts';
import { Alert } from '../supervision/alert.entity.ts';
import { createNotifications } from './notification-store.ts';
import type { NotificationJobs } from './notification-queue.ts';

export function departmentNotifier(jobs: NotificationJobs): AlertNotifier {
  return {
    create: async (tx, alertId, kind, at) => createNotifications(tx, await tx.findOneOrFail(Alert, { id: alertId }), kind, at),
    enqueue: (ids) => jobs.enqueue(ids),
  };
}

/** The workflow's {@link AlertNotifier} over the department contacts and the notification queue. */
import type { AlertNotifier } from '../supervision/alert-notifier.ts';
import { Alert } from '../supervision/alert.entity.ts';
import { createNotificationsFor, departmentsWithContacts } from './notification-store.ts';
import type { NotificationJobs } from './notification-queue.ts';

export function departmentNotifier(jobs: Pick<NotificationJobs, 'enqueue'>): AlertNotifier {
  return {
    async create(tx, alertIds, kind, at) {
      if (alertIds.length === 0) return [];
      // Departments without contacts (most, in a large sweep) cost nothing beyond one read: their
      // alerts are not even loaded.
      const departments = await departmentsWithContacts(tx);
      if (departments.length === 0) return [];
      const alerts = await tx.find(Alert, { id: { $in: [...alertIds] }, departmentCode: { $in: departments } }, { orderBy: { id: 'asc' } });
      return createNotificationsFor(tx, alerts, kind, at);
    },
    enqueue: (ids) => jobs.enqueue(ids),
  };
}

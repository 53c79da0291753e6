/**
 * What the workflow needs of notifications: write them in the transaction that issues a notice or
 * escalates it (so a crash cannot lose them), and hand them to delivery once that commits.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export type NotificationKind = 'notice' | 'escalation';

export interface AlertNotifier {
  /** Writes one notification per contact of each alert's department in `tx`; answers their ids. */
  create(tx: EntityManager, alertIds: readonly number[], kind: NotificationKind, at: Date): Promise<number[]>;
  /** Queues committed notifications for delivery. */
  enqueue(ids: readonly number[]): Promise<void>;
}

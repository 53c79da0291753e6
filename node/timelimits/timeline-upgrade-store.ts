/**
 * The time-rule changes a release shipped that this database has not applied yet (the
 * `timeline_upgrades` rows migrations insert), and the cases such a change may touch without
 * moving their cached dates.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LimitUnit } from '../cases/case-event.ts';
import { execute, query } from '../core/db.ts';

/** The names of the pending upgrades, oldest first, locked until the transaction ends. */
export async function pendingTimelineUpgrades(em: EntityManager): Promise<string[]> {
  const rows = await query<{ name: string }>(em, 'SELECT name FROM timeline_upgrades ORDER BY created_at, name FOR UPDATE');
  return rows.map((row) => row.name);
}

/** Drops an upgrade once applied; answers whether it was still there. */
export async function timelineUpgradeApplied(em: EntityManager, name: string): Promise<boolean> {
  return (await execute(em, 'DELETE FROM timeline_upgrades WHERE name = $1', [name])) > 0;
}

/**
 * Running cases of `unit` whose deadline is pending (an open suspension): their cached dates are
 * null before and after a rule change, but what they showed before the pause may be judged anew.
 */
export async function pendingDeadlineCases(em: EntityManager, unit: LimitUnit): Promise<string[]> {
  const rows = await query<{ case_no: string }>(em, `SELECT case_no FROM cases
    WHERE status IN ('open', 'paused') AND limit_days IS NOT NULL AND limit_unit = $1 AND deadline IS NULL ORDER BY case_no`, [unit]);
  return rows.map((row) => row.case_no);
}

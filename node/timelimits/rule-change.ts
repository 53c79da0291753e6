/**
 * Applying a change of calendar or policy: write it, recompute the affected cases under the new
 * rules, and put the rules in force, atomically. The new snapshot goes in force at the commit
 * (after the last statement, the audit entry included, just before COMMIT: ingestion waiting on
 * the exclusive rules lock finds it the moment it wakes) and is taken back if COMMIT fails, so a
 * change that rolls back never changes the rules in memory.
 *
 * Inside a write request the change is a savepoint of the request's transaction; on its own (a
 * policy issued from above, applied by the sync) it runs in a unit of its own. Every other process
 * (and any transaction here that was waiting on the rules lock) sees the new version and reloads
 * before it judges.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { allCasesChanged } from '../core/hooks.ts';
import { recomputeTimelines, type RecomputeScope } from './recompute-timelines.ts';
import { currentUnit, UnitOfWork } from '../core/unit-of-work.ts';
import { bumpRulesVersion, lockRulesExclusive, type TimeRules } from './time-rules.ts';

export async function changeRules(em: EntityManager, rules: TimeRules, write: (tx: EntityManager) => Promise<void>, scope: RecomputeScope): Promise<{ checked: number; changed: number }> {
  const change = (unit: UnitOfWork): Promise<{ checked: number; changed: number }> => unit.nested(async (tx) => {
    await lockRulesExclusive(tx);
    // What was in force before this change: the committed rules (another process may have changed
    // them since this one loaded), read before this transaction writes anything.
    const before = await rules.refresh(tx);
    await write(tx);
    await tx.flush();
    await bumpRulesVersion(tx);
    const snapshot = await rules.load(tx);
    const recomputed = await recomputeTimelines(tx, snapshot, scope);
    // LATE_REPORT reads the reporting deadlines of every event, whatever the timelines did.
    if (snapshot.policy.reportByTime !== before.policy.reportByTime || snapshot.policy.nonWorkingDayReportByTime !== before.policy.nonWorkingDayReportByTime) {
      await allCasesChanged(tx, 'policy');
    }
    unit.atCommit(() => rules.install(snapshot), () => rules.restore(before));
    return recomputed;
  });

  const request = currentUnit();
  if (request) return change(request);
  const own = await UnitOfWork.begin(em);
  try {
    const recomputed = await own.run(() => change(own));
    await own.flush();
    await own.commit();
    return recomputed;
  } catch (error) {
    await own.rollback();
    throw error;
  }
}

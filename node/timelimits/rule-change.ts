/**
 * Applying a change of calendar or policy: write it, recompute the affected cases under the new
 * rules, and put the rules in force, atomically. The new snapshot is installed before the commit
 * (ingestion waits on the exclusive rules lock until then) and rolled back if the commit fails.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { allCasesChanged } from '../core/hooks.ts';
import { recomputeTimelines, type RecomputeScope } from './recompute-timelines.ts';
import { lockRulesExclusive, type TimeRules } from './time-rules.ts';

export async function changeRules(em: EntityManager, rules: TimeRules, write: (tx: EntityManager) => Promise<void>, scope: RecomputeScope): Promise<{ checked: number; changed: number }> {
  try {
    return await em.transactional(async (tx) => {
      await lockRulesExclusive(tx);
      await write(tx);
      await tx.flush();
      const before = rules.current.policy;
      const snapshot = await rules.load(tx);
      const recomputed = await recomputeTimelines(tx, snapshot, scope);
      // LATE_REPORT reads the reporting deadlines of every event, whatever the timelines did.
      if (snapshot.policy.reportByTime !== before.reportByTime || snapshot.policy.nonWorkingDayReportByTime !== before.nonWorkingDayReportByTime) {
        await allCasesChanged(tx, 'policy');
      }
      rules.install(snapshot);
      return recomputed;
    });
  } catch (error) {
    await rules.reload(em.fork());
    throw error;
  }
}

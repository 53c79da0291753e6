/**
 * Applying a change of calendar or policy: write it, recompute the affected cases under the new
 * rules, and put the rules in force, atomically. The new snapshot is installed before the commit
 * (ingestion waits on the exclusive rules lock until then) and rolled back if the commit fails.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { recomputeTimelines, type RecomputeScope } from '../cases/recompute.ts';
import { lockRulesExclusive, type TimeRules } from './time-rules.ts';

export async function changeRules(em: EntityManager, rules: TimeRules, write: (tx: EntityManager) => Promise<void>, scope: RecomputeScope): Promise<{ checked: number; changed: number }> {
  try {
    return await em.transactional(async (tx) => {
      await lockRulesExclusive(tx);
      await write(tx);
      await tx.flush();
      const snapshot = await rules.load(tx);
      const recomputed = await recomputeTimelines(tx, snapshot, scope);
      rules.install(snapshot);
      return recomputed;
    });
  } catch (error) {
    await rules.reload(em.fork());
    throw error;
  }
}

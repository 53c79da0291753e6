/**
 * Applying a change of calendar or policy: write it, bump the rules version, recompute the affected
 * cases under the new rules, and commit that together. The new snapshot is installed here once it
 * committed; every other process (and any transaction here that was waiting on the rules lock)
 * sees the new version and reloads before it judges.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { allCasesChanged } from '../core/hooks.ts';
import { recomputeTimelines, type RecomputeScope } from './recompute-timelines.ts';
import { bumpRulesVersion, lockRulesExclusive, type TimeRules } from './time-rules.ts';

export async function changeRules(em: EntityManager, rules: TimeRules, write: (tx: EntityManager) => Promise<void>, scope: RecomputeScope): Promise<{ checked: number; changed: number }> {
  const { snapshot, recomputed } = await em.transactional(async (tx) => {
    await lockRulesExclusive(tx);
    // What was in force before this change: the committed rules (another process may have changed
    // them since this one loaded), read before this transaction writes anything.
    const before = (await rules.refresh(tx)).policy;
    await write(tx);
    await tx.flush();
    await bumpRulesVersion(tx);
    const next = await rules.load(tx);
    const changed = await recomputeTimelines(tx, next, scope);
    // LATE_REPORT reads the reporting deadlines of every event, whatever the timelines did.
    if (next.policy.reportByTime !== before.reportByTime || next.policy.nonWorkingDayReportByTime !== before.nonWorkingDayReportByTime) {
      await allCasesChanged(tx, 'policy');
    }
    return { snapshot: next, recomputed: changed };
  });
  rules.install(snapshot);
  return recomputed;
}

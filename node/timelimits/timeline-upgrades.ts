/**
 * Applying, at start, the changes of the time rules that a release made in code. Timelines cached
 * (and alerts raised) before the release follow the old rule; each change a migration lists in
 * `timeline_upgrades` is applied once: the cases it can touch are recomputed under the new code,
 * the ones it changes are marked for the sweep with the change as their reason, so the sweep
 * revokes what the old rule raised wrongly with a transition saying why (and raises what it now
 * finds), and the row is deleted, all in one transaction under the exclusive rules lock (no
 * ingest folds cases meanwhile). The calendar and the policy do not change, so the rules version
 * is not bumped.
 *
 * The node calls this while it holds the start lock, after migrating and seeding the calendars, so
 * processes starting together apply each change once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { LimitUnit } from '../cases/case-event.ts';
import { casesChanged, type CaseChangeReason } from '../core/hooks.ts';
import { recomputeTimelines } from './recompute-timelines.ts';
import { lockRulesExclusive, type TimeRules } from './time-rules.ts';
import { pendingDeadlineCases, pendingTimelineUpgrades, timelineUpgradeApplied } from './timeline-upgrade-store.ts';

interface TimelineUpgrade {
  /** The cases it can change: those counted in this unit. */
  limitUnit: LimitUnit;
  /** What the sweep is told changed (its words end up in the revocations). */
  reason: CaseChangeReason;
}

/** Every change a release can list, by the name its migration inserts. */
const TIMELINE_UPGRADES: Readonly<Record<string, TimelineUpgrade>> = {
  // A calendar-day deadline on a rest day moves to the next working day (民法典第二百零三条).
  restDayDeadline: { limitUnit: 'calendarDay', reason: 'restDayDeadline' },
};

export interface AppliedUpgrade {
  name: string;
  /** Cases recomputed, and how many of them moved a date. */
  checked: number;
  changed: number;
}

/** Applies every pending upgrade this code knows; answers what it applied. */
export async function applyTimelineUpgrades(em: EntityManager, rules: TimeRules, logger: Logger): Promise<AppliedUpgrade[]> {
  return em.transactional(async (tx) => {
    await lockRulesExclusive(tx);
    const applied: AppliedUpgrade[] = [];
    const names = await pendingTimelineUpgrades(tx);
    if (names.length === 0) return applied;
    const snapshot = await rules.load(tx);
    for (const name of names) {
      const upgrade = TIMELINE_UPGRADES[name];
      if (upgrade === undefined) {
        // Listed by a newer release's migration: that release applies it.
        logger.warn({ upgrade: name }, '未知的时限规则更新, 已跳过 (unknown time-rule upgrade, left for the release that knows it)');
        continue;
      }
      const { checked, changed } = await recomputeTimelines(tx, snapshot, { limitUnit: upgrade.limitUnit, reason: upgrade.reason });
      // A pending deadline stays pending, but the light shown before the pause is judged anew.
      await casesChanged(tx, await pendingDeadlineCases(tx, upgrade.limitUnit), upgrade.reason);
      await timelineUpgradeApplied(tx, name);
      applied.push({ name, checked, changed });
      logger.info({ upgrade: name, checked, changed }, '时限规则已更新, 已重新计算受影响的办件 (time rule changed: affected cases recomputed)');
    }
    return applied;
  });
}

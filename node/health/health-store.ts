/** What the health probe reads from the database. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../core/db.ts';

/** How far the open cases' timelines reach, as the health probe needs it. */
export interface OpenReach {
  /** The last day an open case's timeline reaches, clamped to [from, until] (null: no open case). */
  lastDay: string | null;
  /** The year that last day falls in when it is after `until` (null otherwise). */
  beyondYear: number | null;
}

/**
 * How far the timelines of the open cases reach: the years the node judges by. Read from the
 * timelines of every open case as counted (kept with the cases by triggers), so the probe never
 * walks the cases. The day comes back clamped to the range the probe looks at, so that whatever a
 * table holds (a date in 9990, in 5874897, before Christ) it is a date the probe can read and a
 * span of years it can list.
 */
export async function openReach(em: EntityManager, from: string, until: string): Promise<OpenReach> {
  const [row] = await query<{ last: string | null; beyond: number | null }>(em, `SELECT
      CASE WHEN reach IS NULL THEN NULL ELSE least(greatest(reach, $1::date), $2::date)::text END AS last,
      CASE WHEN reach > $2::date THEN extract(year FROM reach)::int END AS beyond
    FROM (SELECT max(greatest(deadline, red_card_on)) AS reach FROM (
      -- Its rows are signed counts until compacted: a timeline is open while its key sums above zero.
      SELECT deadline, red_card_on FROM open_timeline_counts GROUP BY department_code, deadline, yellow_from, yellow_card_on, red_card_on
      HAVING sum(cases) > 0) AS open_timelines) AS r`, [from, until]);
  return { lastDay: row?.last ?? null, beyondYear: row?.beyond ?? null };
}

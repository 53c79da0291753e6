/** What the health probe reads from the database. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../core/db.ts';

/**
 * The last day an open case's timeline reaches (null: no open case): the years the node judges by.
 * Read from the timelines of every open case as counted (kept with the cases by triggers), so the
 * probe never walks the cases.
 */
export async function lastOpenDay(em: EntityManager): Promise<string | null> {
  const [span] = await query<{ last: string | null }>(em, `SELECT max(greatest(deadline, red_card_on))::text AS last FROM (
    SELECT deadline, red_card_on FROM open_timeline_counts GROUP BY department_code, deadline, yellow_from, yellow_card_on, red_card_on
    HAVING sum(cases) > 0) AS open_timelines`);
  return span?.last ?? null;
}

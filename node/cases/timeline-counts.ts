/**
 * `open_timeline_counts` holds signed counts of open cases per department and timeline, appended by
 * triggers on `cases` (migration Migration20261206223000_timeline_count_deltas); a count is the sum
 * of its key's rows. Compaction folds each key's rows into one so the board reads few rows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../core/db.ts';

/**
 * Folds the rows of every key into one and drops the keys that sum to zero; answers the rows kept.
 * Safe beside writers and readers (it locks no row they write, and readers see the sums before or
 * after it); a sum below zero is refused (check_violation) as a drift of the counts.
 */
export async function compactTimelineCounts(em: EntityManager): Promise<number> {
  const [row] = await query<{ kept: number }>(em, 'SELECT compact_open_timeline_counts() AS kept');
  return row?.kept ?? 0;
}

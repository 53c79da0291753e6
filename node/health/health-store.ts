/** What the health probe reads from the database. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.ts';

/** The last day an open case's timeline reaches (null: no open case): the years the node judges by. */
export async function lastOpenDay(em: EntityManager): Promise<string | null> {
  const [span] = await query<{ last: string | null }>(em, "SELECT max(greatest(deadline, red_card_on))::text AS last FROM cases WHERE status IN ('open', 'paused')");
  return span?.last ?? null;
}

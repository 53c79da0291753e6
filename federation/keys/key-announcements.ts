/** The key announcements this node sends along with its answers, so a rotated key verifies at the other side. */
import type { SqlRunner } from '../sql-runner.ts';

/** The 20 newest announcements (compact JWS), oldest first. */
export async function recentKeyAnnouncements(sql: SqlRunner): Promise<string[]> {
  return (await sql.query<{ jws: string }>('SELECT jws FROM key_announcements ORDER BY created_at DESC LIMIT 20')).map((row) => row.jws).reverse();
}

/** The imports table as the API reads and writes it: a submitted body, and one import with its refused rows. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { isoLocalSql } from '../core/instants.ts';

/** Rejected rows listed in one answer; the rest are at /rejections?source=import:<id>. */
export const MAX_LISTED_REJECTIONS = 10000;

/** Stores a submitted body as a queued import. */
export async function insertImport(em: EntityManager, id: string, format: string, body: string, now: Date): Promise<void> {
  await execute(em, `INSERT INTO imports (id, format, status, body, processed_rows, accepted, duplicates, rejected, created_at)
    VALUES ($1, $2, 'queued', $3, 0, 0, 0, 0, $4)`, [id, format, Buffer.from(body, 'utf8'), now]);
}

/** One import's progress (instants in +08:00), or undefined. */
export async function findImport(em: EntityManager, id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await query<Record<string, unknown>>(em, `SELECT id, format, status, total_rows AS "totalRows",
      processed_rows AS "processedRows", accepted, duplicates, rejected, error,
      ${isoLocalSql('created_at')} AS "createdAt", ${isoLocalSql('started_at')} AS "startedAt", ${isoLocalSql('finished_at')} AS "finishedAt"
    FROM imports WHERE id = $1`, [id]);
  return row;
}

/** The first MAX_LISTED_REJECTIONS refused rows of an import, by line. */
export function importRejections(em: EntityManager, id: string): Promise<Record<string, unknown>[]> {
  return query(em, `SELECT line, event_id AS "eventId", code, message, details
    FROM rejections WHERE source = $1 ORDER BY line, id LIMIT ${MAX_LISTED_REJECTIONS}`, [`import:${id}`]);
}

/**
 * The refused events a caller may read (`GET /api/v1/rejections`), newest first by id: filtered
 * by code, state and source, scoped to what the caller sent (a department system) or to its
 * departments' cases (department staff).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../core/db.ts';
import { isoLocalSql } from '../core/instants.ts';
import type { DepartmentScope } from '../access/access-scope.ts';

export interface RejectionFilter {
  code: string | null;
  state: 'open' | 'resolved' | null;
  source: string | null;
  /** A department system reads only what it sent: `client:<id>`. */
  ownSource: string | null;
  /** Department staff read the refusals of their departments' cases (null: any). */
  departments: DepartmentScope;
}

export type RejectionRow = Record<string, unknown> & { id: string };

/** The WHERE of a filter, with `$1` left for the cursor (null: from the newest). */
function where(filter: RejectionFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [filter.code, filter.source, filter.ownSource, filter.departments];
  const state = filter.state === 'open' ? 'AND resolved_at IS NULL' : filter.state === 'resolved' ? 'AND resolved_at IS NOT NULL' : '';
  return {
    sql: `($2::text IS NULL OR code = $2) AND ($3::text IS NULL OR source = $3) AND ($4::text IS NULL OR source = $4)
      AND ($5::text[] IS NULL OR payload->>'departmentCode' = ANY($5::text[])
        OR case_no IN (SELECT case_no FROM cases WHERE department_code = ANY($5::text[]))) ${state}`,
    params,
  };
}

/** Up to `take` rejections with an id below `before` (all from the newest when null). */
export async function listRejections(em: EntityManager, filter: RejectionFilter, before: number | null, take: number): Promise<RejectionRow[]> {
  const scoped = where(filter);
  // ORDER BY the column: a bare `id` would name the text of the SELECT list, where '9' > '10'.
  return query<RejectionRow>(em, `SELECT id::text, event_id AS "eventId", case_no AS "caseNo",
      code, message, details, payload, source, line, ${isoLocalSql('received_at')} AS "receivedAt", ${isoLocalSql('resolved_at')} AS "resolvedAt"
    FROM rejections WHERE ($1::bigint IS NULL OR id < $1) AND ${scoped.sql}
    ORDER BY rejections.id DESC LIMIT $6`, [before, ...scoped.params, take]);
}

/** How many rejections `filter` selects. */
export async function countRejections(em: EntityManager, filter: RejectionFilter): Promise<number> {
  const scoped = where(filter);
  const [row] = await query<{ n: string }>(em, `SELECT count(*)::text AS n FROM rejections WHERE $1::bigint IS NULL AND ${scoped.sql}`, [null, ...scoped.params]);
  return Number(row?.n ?? 0);
}

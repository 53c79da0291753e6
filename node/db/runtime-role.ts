/**
 * The two database roles of a node. Migrations need the role that owns the schema; the node runs
 * as a role that may read and write the business tables but only read and append to the audit
 * trail, so not even a compromised node can rewrite it. With DATABASE_OWNER_URL set, the node
 * migrates through the owner and then grants DATABASE_URL's role exactly that; without it, it
 * migrates with DATABASE_URL as before and, when that role could rewrite the trail, says so at
 * start and in GET /health (the trail's triggers alone are then its protection, which an owner can
 * drop).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import { migrate, openOrm } from './orm.ts';
import { query } from '../core/db.ts';

/** Whether the role the node runs with is unable to update, delete or truncate the audit trail. */
export interface AuditProtection {
  appendOnlyByRole: boolean;
}

// Identifiers cannot be bind parameters: PostgreSQL's format(%I) quotes the role name itself.
const GRANTS = [
  'GRANT USAGE ON SCHEMA public TO %I',
  'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I',
  'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I',
  'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO %I',
  'REVOKE ALL ON TABLE public.audit_log FROM %I',
  'GRANT SELECT, INSERT ON TABLE public.audit_log TO %I',
];
// Two nodes starting on one database at once would grant concurrently ("tuple concurrently updated").
const GRANT_LOCK = "hashtext('supervision.runtime-grants')";

/** Grants `role` what the node needs, through `owner` (a connection as the schema's owner), in one transaction. */
export async function grantRuntimeRole(owner: MikroORM, role: string): Promise<void> {
  await owner.em.fork().transactional(async (tx) => {
    await query(tx, `SELECT pg_advisory_xact_lock(${GRANT_LOCK})`);
    for (const template of GRANTS) {
      const [statement] = await query<{ text: string }>(tx, 'SELECT format($1, $2::text) AS text', [template, role]);
      await query(tx, statement!.text);
    }
  });
}

/** Whether the role of `orm` cannot update, delete or truncate `audit_log`, and neither owns it nor can become its owner. */
export async function auditAppendOnlyByRole(orm: MikroORM): Promise<boolean> {
  const [row] = await query<{ rewritable: boolean }>(orm.em.fork(), `SELECT has_table_privilege('public.audit_log', 'UPDATE')
      OR has_table_privilege('public.audit_log', 'DELETE') OR has_table_privilege('public.audit_log', 'TRUNCATE')
      OR pg_has_role(c.relowner, 'MEMBER') AS rewritable
    FROM pg_class c WHERE c.oid = 'public.audit_log'::regclass`);
  return row?.rewritable === false;
}

async function currentRole(orm: MikroORM): Promise<string> {
  const [row] = await query<{ role: string }>(orm.em.fork(), 'SELECT current_user AS role');
  return row!.role;
}

/**
 * Brings the schema up to date and the runtime role's grants with it (through DATABASE_OWNER_URL
 * when set), then answers whether the trail is append-only for the role `orm` runs as.
 */
export async function prepareDatabase(orm: MikroORM, settings: Settings, logger: Logger): Promise<AuditProtection> {
  if (settings.databaseOwnerUrl === null) {
    await migrate(orm);
  } else {
    const role = await currentRole(orm);
    const owner = await openOrm(settings.databaseOwnerUrl, { poolMax: 1 });
    try {
      await migrate(owner);
      // The same role in both URLs: revoking would take the owner's own rights; the check below reports it.
      if (role !== await currentRole(owner)) await grantRuntimeRole(owner, role);
    } finally {
      await owner.close(true);
    }
  }
  const appendOnlyByRole = await auditAppendOnlyByRole(orm);
  if (!appendOnlyByRole) {
    logger.warn('审计日志仅靠触发器保护: DATABASE_URL 的数据库角色可以修改或删除审计日志, 请设置 DATABASE_OWNER_URL 并以受限角色运行 '
      + '(the role in DATABASE_URL can update or delete the audit trail: set DATABASE_OWNER_URL and run with a role that cannot)');
  }
  return { appendOnlyByRole };
}

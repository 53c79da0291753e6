/**
 * Who is calling: a person (user), a department's business system (API client) or the bootstrap
 * token. Authentication builds one per request from the database, so a revoked session, a disabled
 * user or a changed role takes effect on the next request, not when a token expires.
 */

/** The roles a person can hold on a node (one per account). */
export const USER_ROLES = ['nodeAdmin', 'supervisor', 'departmentOfficer', 'departmentLeader', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Chinese labels, as people read them in lists and the audit trail. */
export const ROLE_LABELS: Record<Role, string> = {
  bootstrap: '初始管理令牌',
  nodeAdmin: '节点管理员',
  supervisor: '监察员',
  departmentOfficer: '部门经办人',
  departmentLeader: '部门负责人',
  auditor: '审计员',
  departmentClient: '部门业务系统',
};

/** Roles bound to departments: they see and act only within `departments`. */
export const DEPARTMENT_ROLES: readonly Role[] = ['departmentOfficer', 'departmentLeader', 'departmentClient'];

/** `bootstrap` is the ADMIN_TOKEN; `departmentClient` is an API client (client credentials). */
export type Role = UserRole | 'bootstrap' | 'departmentClient';

export interface Principal {
  kind: 'bootstrap' | 'user' | 'client';
  /** User id, client id, or 'admin-token'. */
  id: string;
  /** Login name or client id: what the audit trail and alert history show. */
  name: string;
  role: Role;
  /** Department codes the principal is bound to (empty for node-wide roles). */
  departments: readonly string[];
  /** The session an access token belongs to (users only): what logout revokes. */
  sessionId?: string;
}

/** The actor string recorded with changes: `user:<login>`, `client:<id>` or `admin-token`. */
export function actorName(principal: Principal): string {
  return principal.kind === 'bootstrap' ? 'admin-token' : `${principal.kind}:${principal.name}`;
}

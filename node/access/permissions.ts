/**
 * What each role may do. One table: a permission is granted to a role here or nowhere. Department
 * roles get their permissions only within their departments (see access-scope.ts); the bootstrap
 * token holds every permission and exists to set a node up (ADMIN_TOKEN_ENABLED=false switches it off).
 */
import type { Role } from './principal.ts';

export const PERMISSIONS = [
  'self', // own session: who am I, logout, change own password
  'catalog:read', 'catalog:write',
  'config:read', 'config:write', // calendars and the time-limit policy
  'contacts:read', 'contacts:write',
  'notifications:read', 'notifications:retry',
  'events:write',
  'imports:read', 'imports:write',
  'cases:read', 'board:read', 'rejections:read',
  'rules:read',
  'alerts:read',
  'alerts:respond', // explain, appeal: a department answering its own notices
  'alerts:decide', // notify, accept, reject, escalate, revoke, uphold, accountability, sweeps
  'keys:admin', 'federation:admin', 'federation:read',
  'resupervision:run', 'resupervision:read',
  'rollups:read',
  'users:admin', 'clients:admin',
  'audit:read',
  'metrics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL_CONFIG: Permission[] = ['catalog:read', 'config:read', 'rules:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  bootstrap: PERMISSIONS,
  nodeAdmin: [
    'self', ...READ_ALL_CONFIG, 'catalog:write', 'config:write', 'contacts:read', 'contacts:write',
    'notifications:read', 'notifications:retry', 'events:write', 'imports:read', 'imports:write',
    'keys:admin', 'federation:admin', 'federation:read', 'resupervision:read',
    'users:admin', 'clients:admin', 'audit:read', 'metrics:read',
  ],
  supervisor: [
    'self', ...READ_ALL_CONFIG, 'contacts:read', 'contacts:write', 'notifications:read', 'notifications:retry',
    'cases:read', 'board:read', 'rejections:read', 'alerts:read', 'alerts:decide',
    'federation:read', 'resupervision:run', 'resupervision:read', 'rollups:read', 'audit:read', 'imports:read',
  ],
  departmentOfficer: ['self', ...READ_ALL_CONFIG, 'cases:read', 'board:read', 'rejections:read', 'alerts:read', 'alerts:respond'],
  departmentLeader: ['self', ...READ_ALL_CONFIG, 'cases:read', 'board:read', 'rejections:read', 'alerts:read', 'alerts:respond'],
  // A parent's staff re-supervising this node: the record, never contacts or the people in it.
  auditor: [
    'self', ...READ_ALL_CONFIG, 'cases:read', 'board:read', 'rejections:read', 'alerts:read',
    'federation:read', 'resupervision:read', 'rollups:read', 'audit:read',
  ],
  departmentClient: ['events:write', 'rejections:read'],
};

/** Roles that see applicants' ID numbers in full; everyone else gets them masked. */
export const SEES_ID_NUMBERS: readonly Role[] = ['bootstrap', 'supervisor', 'departmentOfficer', 'departmentLeader'];

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

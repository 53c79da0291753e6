/** How users, clients and the caller are answered: never a hash, never a secret beyond the one just made. */
import { isoLocalOrNull } from '../core/instants.ts';
import { ROLE_PERMISSIONS } from './permissions.ts';
import { ROLE_LABELS, type Principal, type Role } from './principal.ts';
import type { User } from './user.entity.ts';
import type { ApiClient } from './api-client.entity.ts';

const iso = (date: Date | null | undefined): string | null => isoLocalOrNull(date);

export function presentUser(user: User): Record<string, unknown> {
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role as Role] ?? user.role,
    departments: user.departments,
    disabled: user.disabled,
    passwordChangedAt: iso(user.passwordChangedAt),
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export function presentClient(client: ApiClient): Record<string, unknown> {
  return {
    clientId: client.id,
    name: client.name,
    role: 'departmentClient',
    roleLabel: ROLE_LABELS.departmentClient,
    departments: client.departments,
    secretVersion: client.secretVersion,
    disabled: client.disabled,
    createdAt: iso(client.createdAt),
    lastUsedAt: iso(client.lastUsedAt),
  };
}

/** The caller as `GET /auth/me` shows it: who, which role (with its Chinese label), where, and what it may do. */
export function presentPrincipal(principal: Principal): Record<string, unknown> {
  return {
    kind: principal.kind,
    id: principal.id,
    name: principal.name,
    role: principal.role,
    roleLabel: ROLE_LABELS[principal.role],
    departments: principal.departments,
    sessionId: principal.sessionId ?? null,
    permissions: ROLE_PERMISSIONS[principal.role],
  };
}

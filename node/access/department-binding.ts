/**
 * The departments a user or client is bound to: department roles need at least one, node-wide
 * roles none, and every code must name a department of this node's catalogue.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { query } from '../core/db.ts';
import { DEPARTMENT_ROLES, type Role } from './principal.ts';

/** Checks `departments` against `role` and the catalogue; answers them sorted. */
export async function checkDepartments(em: EntityManager, role: Role, departments: readonly string[], field = 'departments'): Promise<string[]> {
  const bound = DEPARTMENT_ROLES.includes(role);
  if (bound && departments.length === 0) throw new AppError('ROLE_DEPARTMENTS', { field, role, problem: 'this role needs at least one department' });
  if (!bound && departments.length > 0) throw new AppError('ROLE_DEPARTMENTS', { field, role, problem: 'this role is node-wide and takes no departments' });
  const sorted = [...new Set(departments)].sort();
  if (sorted.length === 0) return sorted;
  const found = await query<{ code: string }>(em, 'SELECT code FROM departments WHERE code = ANY($1::text[])', [sorted]);
  const known = new Set(found.map((row) => row.code));
  const unknown = sorted.filter((code) => !known.has(code));
  if (unknown.length > 0) throw new AppError('UNKNOWN_DEPARTMENT', { field, departments: unknown });
  return sorted;
}

/**
 * What a caller may see once a route let them in: all of the node, or only their departments'
 * records; and whether applicants' ID numbers are shown in full. Stores take the scope and filter
 * in SQL, so an out-of-scope record is never read, let alone answered (it is "not found").
 */
import { DEPARTMENT_ROLES, type Principal } from './principal.ts';
import { SEES_ID_NUMBERS } from './permissions.ts';

/** `null`: the whole node; otherwise the department codes the caller is bound to. */
export type DepartmentScope = readonly string[] | null;

export interface Access {
  principal: Principal;
  departments: DepartmentScope;
  seesIdNumbers: boolean;
}

export function accessOf(principal: Principal): Access {
  return {
    principal,
    departments: DEPARTMENT_ROLES.includes(principal.role) ? principal.departments : null,
    seesIdNumbers: SEES_ID_NUMBERS.includes(principal.role),
  };
}

/** Whether a record of `departmentCode` is within the scope (a record of no known department is not, for a bound caller). */
export function inScope(departments: DepartmentScope, departmentCode: string | null | undefined): boolean {
  return departments === null || (departmentCode != null && departments.includes(departmentCode));
}

/** Shows the last four characters of an ID number, e.g. `**************123X`. */
export function maskIdNumber(idNo: string): string {
  return idNo.length <= 4 ? '*'.repeat(idNo.length) : '*'.repeat(idNo.length - 4) + idNo.slice(-4);
}

/** The access the route guard left for a handler; a route reached without it is a wiring bug. */
export function accessIn(state: { access?: Access }): Access {
  if (!state.access) throw new Error('route reached without the access guard');
  return state.access;
}

const ID_NUMBER_KEYS = new Set(['idNo', 'applicantIdNo']);

/**
 * A copy of a JSON value with every ID number (`idNo`, `applicantIdNo`, at any depth) masked,
 * for callers who may not see them; the value itself is returned when they may.
 */
export function showIdNumbers<T>(value: T, access: Access): T {
  return access.seesIdNumbers ? value : (maskIn(value) as T);
}

function maskIn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskIn);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, ID_NUMBER_KEYS.has(key) && typeof inner === 'string' ? maskIdNumber(inner) : maskIn(inner)]));
}

/**
 * Reading alerts for the API: the list's filter (scoped to the caller's departments), its pages
 * and total, whether one alert is visible to the caller, and one alert with its history.
 */
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { DepartmentScope } from '../access/access-scope.ts';
import { Alert } from './alert.entity.ts';
import { AlertTransition } from './alert-transition.entity.ts';
import { Accountability } from './accountability.entity.ts';

export interface AlertFilter {
  status?: string;
  rule?: string;
  departmentCode?: string;
  caseNo?: string;
  /** The caller's departments (null: the whole node). */
  departments: DepartmentScope;
}

/** The filter as a query: a department asked for outside the caller's departments matches nothing. */
export function alertWhere(filter: AlertFilter): FilterQuery<Alert> {
  const where: Record<string, unknown> = {};
  if (filter.status) where.status = filter.status;
  if (filter.rule) where.rule = filter.rule;
  const { departments } = filter;
  if (filter.departmentCode) where.departmentCode = departments === null || departments.includes(filter.departmentCode) ? filter.departmentCode : { $in: [] };
  else if (departments !== null) where.departmentCode = { $in: [...departments] };
  if (filter.caseNo) where.caseNo = filter.caseNo;
  return where as FilterQuery<Alert>;
}

/** Up to `take` alerts of `filter` with an id below `before`, newest first. */
export function listAlerts(em: EntityManager, filter: AlertFilter, before: number | null, take: number): Promise<Alert[]> {
  const where = alertWhere(filter);
  return em.find(Alert, before === null ? where : { $and: [where, { id: { $lt: before } }] } as FilterQuery<Alert>, { orderBy: { id: 'desc' }, limit: take });
}

/** How many alerts `filter` selects. */
export function countAlerts(em: EntityManager, filter: AlertFilter): Promise<number> {
  return em.count(Alert, alertWhere(filter));
}

/**
 * Whether alert `id` exists and the caller may see it: a department sees only its own
 * departments' alerts; any other alert is "not found" to it (its existence is not told).
 */
export async function isVisibleAlert(em: EntityManager, id: number, departments: DepartmentScope): Promise<boolean> {
  const where = departments === null ? { id } : { id, departmentCode: { $in: [...departments] } };
  return (await em.count(Alert, where)) > 0;
}

/** One alert with its transitions and accountability records, in order. */
export async function alertWithHistory(em: EntityManager, id: number): Promise<{ alert: Alert; transitions: AlertTransition[]; accountability: Accountability[] }> {
  const alert = await em.findOneOrFail(Alert, { id });
  const transitions = await em.find(AlertTransition, { alertId: id }, { orderBy: { id: 'asc' } });
  const accountability = await em.find(Accountability, { alertId: id }, { orderBy: { id: 'asc' } });
  return { alert, transitions, accountability };
}

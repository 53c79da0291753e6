/**
 * Alert counts by status, rule or department (`GET /api/v1/alerts/counts`): one GROUP BY over the
 * alerts the list would show for the same filters and the same caller, so nobody pages through
 * every alert to count them.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../core/db.ts';
import type { DepartmentScope } from '../access/access-scope.ts';
import { ALERT_STATUS_LABELS, type AlertStatus } from './alert-workflow.ts';
import { isRuleCode, ruleInfo } from './rules/rule-catalog.ts';
import type { RuleCode } from './rules/rule-types.ts';

/** What the counts may be grouped by. */
export const ALERT_COUNT_GROUPS = ['status', 'rule', 'department'] as const;
export type AlertCountGroup = (typeof ALERT_COUNT_GROUPS)[number];

/** The list's filters (each null when not given). */
export interface AlertFilter {
  status: AlertStatus | null;
  rule: RuleCode | null;
  departmentCode: string | null;
  caseNo: string | null;
}

/** One group: its key (status, rule code or department code), a Chinese label and its count. */
export interface AlertCountGroupRow {
  key: string;
  /** 状态名称, rule title or department name; null for a department not in the catalogue. */
  label: string | null;
  count: number;
}

export interface AlertCounts {
  groupBy: AlertCountGroup;
  total: number;
  /** Non-empty groups, largest first (ties by key). */
  groups: AlertCountGroupRow[];
}

// Fixed SQL per grouping: the caller picks one by name, never writes into the statement.
const GROUP_SQL: Readonly<Record<AlertCountGroup, { key: string; label: string | null; join: string }>> = {
  status: { key: 'a.status', label: null, join: '' },
  rule: { key: 'a.rule', label: null, join: '' },
  department: { key: 'a.department_code', label: 'd.name', join: 'LEFT JOIN departments d ON d.code = a.department_code' },
};

function labelOf(groupBy: AlertCountGroup, key: string, stored: string | null): string | null {
  if (groupBy === 'status') return ALERT_STATUS_LABELS[key as AlertStatus] ?? key;
  if (groupBy === 'rule') return isRuleCode(key) ? ruleInfo(key).title : key;
  return stored;
}

/**
 * Counts the alerts matching `filter` within `departments` (null: the whole node), grouped by
 * `groupBy`. A departmentCode outside the scope counts nothing, as the list shows nothing.
 */
export async function countAlerts(em: EntityManager, filter: AlertFilter, departments: DepartmentScope, groupBy: AlertCountGroup): Promise<AlertCounts> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.status !== null) add((p) => `a.status = ${p}`, filter.status);
  if (filter.rule !== null) add((p) => `a.rule = ${p}`, filter.rule);
  if (filter.departmentCode !== null) add((p) => `a.department_code = ${p}`, filter.departmentCode);
  if (filter.caseNo !== null) add((p) => `a.case_no = ${p}`, filter.caseNo);
  if (departments !== null) add((p) => `a.department_code = ANY(${p}::text[])`, [...departments]);
  const group = GROUP_SQL[groupBy];
  const rows = await query<{ key: string; label: string | null; count: number }>(em,
    `SELECT ${group.key} AS key, ${group.label ?? 'NULL::text'} AS label, count(*)::int AS count
       FROM alerts a ${group.join}
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY ${[group.key, ...(group.label ? [group.label] : [])].join(', ')}
      ORDER BY count DESC, key`,
    params);
  const groups = rows.map((row) => ({ key: row.key, label: labelOf(groupBy, row.key, row.label), count: row.count }));
  return { groupBy, total: groups.reduce((sum, row) => sum + row.count, 0), groups };
}

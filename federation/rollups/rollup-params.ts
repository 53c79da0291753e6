/**
 * The query of `GET /api/v1/rollups`, checked field by field: pure, so each rule is tested without
 * a database. A problem names the field it is about.
 */
import { isIsoDay } from './summary-row.ts';
import { ROLLUP_GROUPS, type RollupGroup } from './rollup-store.ts';

/** Longest range one request may sum: `to` must come before the same date 3 years after `from`. */
export const MAX_RANGE_YEARS = 3;

export interface RollupParams {
  from: string;
  to: string;
  groupBy: RollupGroup;
  node: string;
}

export interface ParamProblem {
  field: string;
  problem: string;
}

export type ParsedRollupParams = { ok: true; params: RollupParams } | { ok: false; problem: ParamProblem };

const NODE_CODE = /^\d{6}$/;

/** One value of a query parameter: undefined when absent or empty; a repeated parameter is a problem. */
function single(raw: unknown, field: string): { value: string | undefined } | ParamProblem {
  if (raw === undefined || raw === '') return { value: undefined };
  if (typeof raw !== 'string') return { field, problem: 'must be given once' };
  return { value: raw };
}

/**
 * `from` 'YYYY-MM-DD' plus `years` calendar years (29 February becomes 28 February in a year
 * without it), compared as text: zero-padded dates sort like the dates they are.
 */
export function addYears(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) + years;
  let rest = day.slice(4);
  if (rest === '-02-29' && !isIsoDay(`${String(year).padStart(4, '0')}-02-29`)) rest = '-02-28';
  return `${String(year).padStart(4, '0')}${rest}`;
}

/**
 * Reads `from`, `to` (required, real dates, from <= to, to before from + 3 years), `groupBy`
 * (node, department or item; default node) and `node` (a 6-digit code; default `selfCode`).
 */
export function parseRollupParams(query: Readonly<Record<string, unknown>>, selfCode: string): ParsedRollupParams {
  const fail = (field: string, problem: string): ParsedRollupParams => ({ ok: false, problem: { field, problem } });
  const values: Record<'from' | 'to' | 'groupBy' | 'node', string | undefined> = { from: undefined, to: undefined, groupBy: undefined, node: undefined };
  for (const field of ['from', 'to', 'groupBy', 'node'] as const) {
    const read = single(query[field], field);
    if ('problem' in read) return { ok: false, problem: read };
    values[field] = read.value;
  }
  const { from, to } = values;
  if (from === undefined) return fail('from', 'is required: a date YYYY-MM-DD');
  if (!isIsoDay(from)) return fail('from', 'must be a date YYYY-MM-DD');
  if (to === undefined) return fail('to', 'is required: a date YYYY-MM-DD');
  if (!isIsoDay(to)) return fail('to', 'must be a date YYYY-MM-DD');
  if (to < from) return fail('to', 'must not be before from');
  if (to >= addYears(from, MAX_RANGE_YEARS)) return fail('to', `must be less than ${MAX_RANGE_YEARS} years after from`);
  const groupBy = values.groupBy ?? 'node';
  if (!(ROLLUP_GROUPS as readonly string[]).includes(groupBy)) return fail('groupBy', `must be one of ${ROLLUP_GROUPS.join(', ')}`);
  const node = values.node ?? selfCode;
  if (!NODE_CODE.test(node)) return fail('node', 'must be a 6-digit division code');
  return { ok: true, params: { from, to, groupBy: groupBy as RollupGroup, node } };
}

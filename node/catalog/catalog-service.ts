/** Departments and items: upserts with their business rules, and lookups for ingestion. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { Department } from './department.entity.ts';
import { Item, type ItemFee } from './item.entity.ts';
import { STAGES, type Stage } from '../cases/case-event.ts';
import { itemRulesChanged } from '../core/hooks.ts';

export interface ItemInput {
  name: string;
  departmentCode: string;
  legalLimitDays: number;
  promisedLimitDays: number;
  limitUnit: 'workday' | 'calendarDay';
  fees: ItemFee[];
  promisedVisits: number;
  stages: Stage[];
}

/** Creates or renames a department; answers it and whether it was new. */
export async function upsertDepartment(em: EntityManager, code: string, name: string): Promise<{ department: Department; created: boolean }> {
  const existing = await em.findOne(Department, { code });
  if (existing) {
    existing.name = name;
    await em.flush();
    return { department: existing, created: false };
  }
  const department = em.create(Department, { code, name });
  await em.flush();
  return { department, created: true };
}

/**
 * Creates or replaces an item. A committed limit above the legal one is refused (承诺时限不得超过法定时限).
 * Cases already accepted keep the limit they were accepted under.
 */
export async function upsertItem(em: EntityManager, itemCode: string, input: ItemInput): Promise<{ item: Item; created: boolean }> {
  if (input.promisedLimitDays > input.legalLimitDays) {
    throw new AppError('LIMIT_ABOVE_LEGAL', {
      field: 'promisedLimitDays', promisedLimitDays: input.promisedLimitDays, legalLimitDays: input.legalLimitDays,
    });
  }
  const feeCodes = new Set<string>();
  for (const [index, fee] of input.fees.entries()) {
    if (feeCodes.has(fee.code)) throw new AppError('VALIDATION_FAILED', { field: `/fees/${index}/code`, problem: 'duplicate fee code' });
    feeCodes.add(fee.code);
  }
  // Stages are kept in their procedural order (承办 → 审核 → 批准) whatever order they were sent in.
  input = { ...input, stages: STAGES.filter((stage) => input.stages.includes(stage)) };
  if (!(await em.findOne(Department, { code: input.departmentCode }))) {
    throw new AppError('UNKNOWN_DEPARTMENT', { field: 'departmentCode', departmentCode: input.departmentCode });
  }
  const existing = await em.findOne(Item, { itemCode });
  if (existing) {
    // The fee and stage rules read the item: its cases are judged again by the next sweep.
    const rulesChanged = JSON.stringify(existing.fees) !== JSON.stringify(input.fees) || JSON.stringify(existing.stages) !== JSON.stringify(input.stages);
    const item = await em.transactional(async (tx) => {
      const row = await tx.findOneOrFail(Item, { itemCode });
      tx.assign(row, input);
      await tx.flush();
      if (rulesChanged) await itemRulesChanged(tx, itemCode);
      return row;
    });
    return { item, created: false };
  }
  const item = em.create(Item, { itemCode, ...input });
  await em.flush();
  return { item, created: true };
}

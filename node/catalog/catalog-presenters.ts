/** Wire shapes of catalog resources. */
import { isoLocal } from '../core/instants.ts';
import type { Department } from './department.entity.ts';
import type { Item } from './item.entity.ts';

export function presentDepartment(department: Department) {
  return {
    code: department.code,
    name: department.name,
    createdAt: isoLocal(department.createdAt),
    updatedAt: isoLocal(department.updatedAt),
  };
}

export function presentItem(item: Item) {
  return {
    itemCode: item.itemCode,
    name: item.name,
    departmentCode: item.departmentCode,
    legalLimitDays: item.legalLimitDays,
    promisedLimitDays: item.promisedLimitDays,
    limitUnit: item.limitUnit,
    fees: item.fees,
    promisedVisits: item.promisedVisits,
    stages: item.stages,
    createdAt: isoLocal(item.createdAt),
    updatedAt: isoLocal(item.updatedAt),
  };
}

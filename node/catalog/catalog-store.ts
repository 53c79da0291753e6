/** Reading departments and items for the API's keyset lists. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from './department.entity.ts';
import { Item } from './item.entity.ts';

/** Up to `take` departments after code `after`, by code. */
export function listDepartments(em: EntityManager, after: string | null, take: number): Promise<Department[]> {
  return em.find(Department, after ? { code: { $gt: after } } : {}, { orderBy: { code: 'asc' }, limit: take });
}

export function countDepartments(em: EntityManager): Promise<number> {
  return em.count(Department, {});
}

export function findDepartment(em: EntityManager, code: string): Promise<Department | null> {
  return em.findOne(Department, { code });
}

/** Up to `take` items after item code `after`, by item code, of one department when given. */
export function listItems(em: EntityManager, departmentCode: string | null, after: string | null, take: number): Promise<Item[]> {
  return em.find(Item, { ...(after ? { itemCode: { $gt: after } } : {}), ...(departmentCode ? { departmentCode } : {}) }, { orderBy: { itemCode: 'asc' }, limit: take });
}

export function countItems(em: EntityManager, departmentCode: string | null): Promise<number> {
  return em.count(Item, departmentCode ? { departmentCode } : {});
}

export function findItem(em: EntityManager, itemCode: string): Promise<Item | null> {
  return em.findOne(Item, { itemCode });
}

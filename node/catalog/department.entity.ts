import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { systemClock } from '../core/clock.ts';

/** 部门 / 实施主体: a body that handles cases. */
export const Department = defineEntity({
  name: 'Department',
  tableName: 'departments',
  properties: {
    code: p.string().primary().length(64),
    name: p.string().length(200),
    createdAt: p.datetime().onCreate(systemClock),
    updatedAt: p.datetime().onCreate(systemClock).onUpdate(systemClock),
  },
});
export type Department = InferEntity<typeof Department>;

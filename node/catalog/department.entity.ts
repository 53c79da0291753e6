import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** 部门 / 实施主体: a body that handles cases. */
export const Department = defineEntity({
  name: 'Department',
  tableName: 'departments',
  properties: {
    code: p.string().primary().length(64),
    name: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Department = InferEntity<typeof Department>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Stage } from '../cases/case-event.ts';
import { systemClock } from '../core/clock.ts';

/** One standard fee of an item (收费标准), in fen so that money is never a float. */
export interface ItemFee {
  code: string;
  name: string;
  amountFen: number;
}

/** 政务服务事项: a service with a legal and a committed time limit, fees and stages. */
export const Item = defineEntity({
  name: 'Item',
  tableName: 'items',
  properties: {
    itemCode: p.string().primary().length(64),
    name: p.string().length(200),
    departmentCode: p.string().length(64).index(),
    legalLimitDays: p.integer(),
    promisedLimitDays: p.integer(),
    limitUnit: p.string().length(16),
    fees: p.json<ItemFee[]>(),
    promisedVisits: p.integer(),
    /** The stages a case of this item passes, in the order of STAGES; empty when it has none. */
    stages: p.json<Stage[]>().default('[]'),
    createdAt: p.datetime().onCreate(systemClock),
    updatedAt: p.datetime().onCreate(systemClock).onUpdate(systemClock),
  },
});
export type Item = InferEntity<typeof Item>;

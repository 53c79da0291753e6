import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** 责任追究: the accountability a supervisor records on a closed alert (person, decision, date). */
export const Accountability = defineEntity({
  name: 'Accountability',
  tableName: 'alert_accountabilities',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    alertId: p.bigint('number').index(),
    /** The person held accountable (责任人). */
    person: p.string().length(100),
    /** The decision (处理决定), e.g. 诫勉谈话, 通报批评. */
    decision: p.string().length(500),
    /** The date of the decision, 'YYYY-MM-DD'. */
    decidedOn: p.date(),
    recordedBy: p.string().length(100),
    recordedAt: p.datetime(),
    note: p.string().length(2000).nullable(),
  },
});
export type Accountability = InferEntity<typeof Accountability>;

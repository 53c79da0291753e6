import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The last supervision notice number (督办单编号) issued in a year; numbers run 1, 2, ... per year. */
export const NoticeCounter = defineEntity({
  name: 'NoticeCounter',
  tableName: 'notice_counters',
  properties: {
    year: p.integer().primary().autoincrement(false),
    last: p.integer(),
  },
});
export type NoticeCounter = InferEntity<typeof NoticeCounter>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One year of the official working-day calendar, as data (节假日安排). */
export const CalendarYearRecord = defineEntity({
  name: 'CalendarYearRecord',
  tableName: 'calendar_years',
  properties: {
    year: p.integer().primary().autoincrement(false),
    holidays: p.json<string[]>(),
    workdays: p.json<string[]>(),
    /** Where the year came from: the notice name, a file, or an API caller. */
    source: p.string().length(500).nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CalendarYearRecord = InferEntity<typeof CalendarYearRecord>;

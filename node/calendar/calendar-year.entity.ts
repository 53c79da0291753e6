import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { systemClock } from '../core/clock.ts';

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
    /** Provenance of a year issued above (federation/PROTOCOL.md "Downward policy"); null when set here. */
    issuer: p.string().length(6).nullable(),
    /** Kid of the issuer's key that signed `policyJws`. */
    kid: p.string().length(64).nullable(),
    signedAt: p.datetime().nullable(),
    /** The signed document (sv-policy+jws) as issued, handed on to this node's children. */
    policyJws: p.text().nullable(),
    /** The issuer's version of this year (1, 2, ...); a document applies only when newer. */
    version: p.integer().nullable(),
    updatedAt: p.datetime().onCreate(systemClock).onUpdate(systemClock),
  },
});
export type CalendarYearRecord = InferEntity<typeof CalendarYearRecord>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { systemClock } from '../core/clock.ts';

/** The node's supervision policy (one row, key 'time'); absent means the defaults. */
export const TimePolicyRecord = defineEntity({
  name: 'TimePolicyRecord',
  tableName: 'time_policies',
  properties: {
    key: p.string().primary().length(32),
    yellowAtRemainingDays: p.integer(),
    yellowCardOverdueDays: p.integer(),
    redCardOverdueDays: p.integer(),
    reportByTime: p.string().length(5).default('17:00'),
    nonWorkingDayReportByTime: p.string().length(5).default('17:00'),
    noticeDueWorkingDays: p.integer().default(5),
    appealWorkingDays: p.integer().default(10),
    /** Provenance of a policy issued above (federation/PROTOCOL.md "Downward policy"); null when set here. */
    issuer: p.string().length(6).nullable(),
    /** Kid of the issuer's key that signed `policyJws`. */
    kid: p.string().length(64).nullable(),
    signedAt: p.datetime().nullable(),
    /** The signed document (sv-policy+jws) as issued, handed on to this node's children. */
    policyJws: p.text().nullable(),
    /** The issuer's version of the policy (1, 2, ...); a document applies only when newer. */
    version: p.integer().nullable(),
    updatedAt: p.datetime().onCreate(systemClock).onUpdate(systemClock),
  },
});
export type TimePolicyRecord = InferEntity<typeof TimePolicyRecord>;

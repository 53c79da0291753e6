import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * An alert (预警): a rule's finding on one case turned into a record the correction workflow works
 * on. Exactly one per case and rule (unique): the sweep raises it once, revokes it with the reason
 * when a recomputation makes it wrong, and never deletes it. A yellow or red card also carries its
 * supervision notice (督办单): number, demand and due date.
 */
export const Alert = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    caseNo: p.string().length(50).collation('C'),
    /** Rule code, e.g. 'RED_CARD'. */
    rule: p.string().length(32),
    /** Version of the rule that found it. */
    ruleVersion: p.integer(),
    departmentCode: p.string().length(64),
    itemCode: p.string().length(64).nullable(),
    /** open, notified, explained, accepted, rejected, escalated, revoked, appealed. */
    status: p.string().length(16),
    /** When the irregularity arose (the finding's instant). */
    foundAt: p.datetime(),
    /** The sweep instant that raised the alert. */
    raisedAt: p.datetime(),
    /** Chinese summary for people. */
    message: p.string().length(500),
    /** The finding's evidence (event ids, amounts, days), as the rule reported it. */
    details: p.json<Record<string, unknown>>(),
    /** Last day (local) a department may appeal: raised day + policy.appealWorkingDays working days. */
    appealDueOn: p.date(),
    /** 督办单编号, e.g. '610203-2026-000001'; null until a notice is issued. */
    noticeNo: p.string().length(40).nullable().unique(),
    /** What the department must do (要求). */
    noticeDemand: p.string().length(2000).nullable(),
    noticeIssuedAt: p.datetime().nullable(),
    /** Last day (local) to answer the notice: issued day + policy.noticeDueWorkingDays working days. */
    noticeDueOn: p.date().nullable(),
    /** Set by an appeal, so that upholding the alert returns it to where it was. */
    statusBeforeAppeal: p.string().length(16).nullable(),
    /** 'system' when a recomputation revoked it (it comes back if the finding does), else the person. */
    revokedBy: p.string().length(100).nullable(),
    revokedReason: p.string().length(2000).nullable(),
    /** When it reached accepted, rejected or revoked. */
    closedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  uniques: [{ properties: ['caseNo', 'rule'] }],
  indexes: [
    { properties: ['status', 'id'] },
    { properties: ['departmentCode', 'id'] },
    { properties: ['rule', 'id'] },
    // The escalation sweep reads notified alerts by due day.
    { name: 'alerts_notified_due_index', expression: `create index "alerts_notified_due_index" on "alerts" ("notice_due_on") where "status" = 'notified'` },
  ],
});
export type Alert = InferEntity<typeof Alert>;

/**
 * Writing notifications: one row per enabled contact of the alert's department, in the caller's
 * transaction (the one that issued the notice or escalated it), so a notice is never committed
 * without its notifications nor the other way round. The caller enqueues the ids after commit;
 * a row whose job was lost is found again by its 'pending' status when the node or Redis restarts.
 */
import { isoLocal } from '../core/instants.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Alert } from '../supervision/alert.entity.ts';
import type { RuleCode } from '../supervision/rules/rule-types.ts';
import { DepartmentContact } from './department-contact.entity.ts';
import { Notification } from './notification.entity.ts';

export type NotificationKind = 'notice' | 'escalation';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** The rule in a few words, for subjects and SMS. */
const RULE_LABELS: Record<RuleCode, string> = {
  TIME_YELLOW_LIGHT: '即将超期 (黄灯)',
  TIME_RED_LIGHT: '已超期 (红灯)',
  YELLOW_CARD: '超期 (黄牌)',
  RED_CARD: '严重超期 (红牌)',
  PROCESS_ORDER: '办理环节顺序异常',
  PROCESS_MISSING_STAGE: '缺少办理环节',
  SUSPENSION_OVERRUN: '暂停超期',
  SUPPLEMENT_REPEATED: '多次补正',
  FEE_NOT_IN_STANDARD: '收费项目不在标准内',
  FEE_AMOUNT_MISMATCH: '收费金额与标准不符',
  FEE_ON_FREE_ITEM: '免费事项收费',
  ABNORMAL_OUTCOME: '办结结果异常',
  LATE_REPORT: '数据迟报',
};

function ruleLabel(rule: string): string {
  return (RULE_LABELS as Record<string, string | undefined>)[rule] ?? rule;
}

/** Subject and text of the message about `alert` (Chinese: it is read by department staff). */
export function composeMessage(alert: Alert, kind: NotificationKind): { subject: string; text: string } {
  const notice = alert.noticeNo ? `督办单 ${alert.noticeNo}` : `预警 ${alert.id}`;
  const due = alert.noticeDueOn ? `请于 ${alert.noticeDueOn} 前说明理由并整改` : '请尽快说明理由并整改';
  const subject = kind === 'notice'
    ? `${notice}: 办件 ${alert.caseNo} ${ruleLabel(alert.rule)}, ${due}`
    : `${notice} 已升级督办: 办件 ${alert.caseNo} ${ruleLabel(alert.rule)}, 逾期未说明理由`;
  const lines = [
    kind === 'notice' ? `【电子监察督办】${notice}` : `【电子监察督办升级】${notice}`,
    `办件编号: ${alert.caseNo}`,
    `问题: ${alert.message}`,
    ...(alert.noticeDemand ? [`要求: ${alert.noticeDemand}`] : []),
    kind === 'notice' ? `期限: ${due}` : `该督办单逾期 (期限 ${alert.noticeDueOn ?? '—'}) 未说明理由, 已升级督办, 请立即说明理由并整改。`,
  ];
  return { subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject, text: lines.join('\n') };
}

/** The JSON document a webhook receives. */
export function webhookPayload(alert: Alert, kind: NotificationKind, now: Date): Record<string, unknown> {
  return {
    kind,
    alert: {
      id: alert.id,
      caseNo: alert.caseNo,
      rule: alert.rule,
      status: alert.status,
      noticeNo: alert.noticeNo ?? null,
      noticeDemand: alert.noticeDemand ?? null,
      noticeDueOn: alert.noticeDueOn ?? null,
      message: alert.message,
    },
    sentAt: isoLocal(now),
  };
}

/**
 * Writes one pending notification per enabled contact of the alert's department and answers their
 * ids (none when the department has no contact). Call it inside the transaction that changes the
 * alert, and `enqueue` the ids once it has committed. It flushes `em`.
 */
export async function createNotifications(em: EntityManager, alert: Alert, kind: NotificationKind, now: Date): Promise<number[]> {
  return createNotificationsFor(em, [alert], kind, now);
}

/**
 * {@link createNotifications} for many alerts at once (a sweep issues thousands of notices): one
 * read of the contacts of their departments, one flush.
 */
export async function createNotificationsFor(em: EntityManager, alerts: readonly Alert[], kind: NotificationKind, now: Date): Promise<number[]> {
  if (alerts.length === 0) return [];
  const departments = [...new Set(alerts.map((alert) => alert.departmentCode))];
  const contacts = await em.find(DepartmentContact, { departmentCode: { $in: departments }, enabled: true }, { orderBy: { id: 'asc' } });
  if (contacts.length === 0) return [];
  const rows: Notification[] = [];
  for (const alert of alerts) {
    const mine = contacts.filter((contact) => contact.departmentCode === alert.departmentCode);
    if (mine.length === 0) continue;
    const { subject, text } = composeMessage(alert, kind);
    const payload = webhookPayload(alert, kind, now);
    for (const contact of mine) {
      rows.push(em.create(Notification, {
        alertId: alert.id,
        contactId: contact.id,
        kind,
        channel: contact.channel,
        address: contact.address,
        subject,
        text,
        payload,
        status: 'pending',
        attempts: 0,
        createdAt: now,
      }));
    }
  }
  await em.flush();
  return rows.map((row) => row.id);
}

/** The departments that have at least one enabled contact (a short list: one row per contact). */
export async function departmentsWithContacts(em: EntityManager): Promise<string[]> {
  const rows = await em.find(DepartmentContact, { enabled: true }, { fields: ['departmentCode'] });
  return [...new Set(rows.map((row) => row.departmentCode))];
}

/** Notifications whose delivery has not ended, oldest first: to enqueue again after a restart. */
export async function pendingNotificationIds(em: EntityManager): Promise<number[]> {
  const rows = await em.find(Notification, { status: 'pending' }, { fields: ['id'], orderBy: { id: 'asc' } });
  return rows.map((row) => row.id);
}

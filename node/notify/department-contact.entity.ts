import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Where a department is told of notices and escalations: a webhook, an e-mail address or a mobile number. */
export const DepartmentContact = defineEntity({
  name: 'DepartmentContact',
  tableName: 'department_contacts',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    departmentCode: p.string().length(64).index(),
    /** The person or system (联系人). */
    name: p.string().length(100),
    /** webhook, email or sms. */
    channel: p.string().length(16),
    /** The URL, e-mail address or mobile number. */
    address: p.string().length(500),
    /** Webhook HMAC key; never answered by the API. */
    secret: p.string().length(200).nullable(),
    enabled: p.boolean().default(true),
    createdAt: p.datetime(),
  },
});
export type DepartmentContact = InferEntity<typeof DepartmentContact>;

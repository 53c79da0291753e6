import { Migration } from '@mikro-orm/migrations';

export class Migration20261125025418_supervision extends Migration {

  override name = 'Migration20261125025418_supervision';

  override up(): void | Promise<void> {
    this.addSql(`create table "alert_accountabilities" ("id" bigserial primary key, "alert_id" bigint not null, "person" varchar(100) not null, "decision" varchar(500) not null, "decided_on" date not null, "recorded_by" varchar(100) not null, "recorded_at" timestamptz not null, "note" varchar(2000) null);`);
    this.addSql(`create index "alert_accountabilities_alert_id_index" on "alert_accountabilities" ("alert_id");`);

    this.addSql(`create table "alerts" ("id" bigserial primary key, "case_no" varchar(50) collate "C" not null, "rule" varchar(32) not null, "rule_version" int not null, "department_code" varchar(64) not null, "item_code" varchar(64) null, "status" varchar(16) not null, "found_at" timestamptz not null, "raised_at" timestamptz not null, "message" varchar(500) not null, "details" jsonb not null, "appeal_due_on" date not null, "notice_no" varchar(40) null, "notice_demand" varchar(2000) null, "notice_issued_at" timestamptz null, "notice_due_on" date null, "status_before_appeal" varchar(16) null, "revoked_by" varchar(100) null, "revoked_reason" varchar(2000) null, "closed_at" timestamptz null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "alerts" add constraint "alerts_notice_no_unique" unique ("notice_no");`);
    this.addSql(`create index "alerts_status_id_index" on "alerts" ("status", "id");`);
    this.addSql(`create index "alerts_department_code_id_index" on "alerts" ("department_code", "id");`);
    this.addSql(`create index "alerts_rule_id_index" on "alerts" ("rule", "id");`);
    this.addSql(`create index "alerts_notified_due_index" on "alerts" ("notice_due_on") where "status" = 'notified';`);
    this.addSql(`alter table "alerts" add constraint "alerts_case_no_rule_unique" unique ("case_no", "rule");`);

    this.addSql(`create table "alert_transitions" ("id" bigserial primary key, "alert_id" bigint not null, "from_status" varchar(16) null, "to_status" varchar(16) not null, "action" varchar(24) not null, "actor" varchar(100) not null, "reason" varchar(2000) null, "data" jsonb null, "request_id" varchar(64) null, "at" timestamptz not null);`);
    this.addSql(`create index "alert_transitions_alert_id_index" on "alert_transitions" ("alert_id");`);

    this.addSql(`create table "department_contacts" ("id" bigserial primary key, "department_code" varchar(64) not null, "name" varchar(100) not null, "channel" varchar(16) not null, "address" varchar(500) not null, "secret" varchar(200) null, "enabled" boolean not null default true, "created_at" timestamptz not null);`);
    this.addSql(`create index "department_contacts_department_code_index" on "department_contacts" ("department_code");`);

    this.addSql(`create table "notice_counters" ("year" int not null, "last" int not null, primary key ("year"));`);

    this.addSql(`create table "notifications" ("id" bigserial primary key, "alert_id" bigint not null, "contact_id" bigint not null, "kind" varchar(24) not null, "channel" varchar(16) not null, "address" varchar(500) not null, "subject" varchar(200) not null, "text" text not null, "payload" jsonb not null, "status" varchar(16) not null, "attempts" int not null default 0, "last_error" varchar(1000) null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`create index "notifications_alert_id_index" on "notifications" ("alert_id");`);
    this.addSql(`create index "notifications_status_id_index" on "notifications" ("status", "id");`);

    this.addSql(`create table "notification_attempts" ("id" bigserial primary key, "notification_id" bigint not null, "attempt" int not null, "at" timestamptz not null, "ok" boolean not null, "response" varchar(1000) null, "error" varchar(1000) null);`);
    this.addSql(`create index "notification_attempts_notification_id_index" on "notification_attempts" ("notification_id");`);

    this.addSql(`create table "sweep_schedule" ("case_no" varchar(50) collate "C" not null, "due_at" timestamptz not null, "reason" varchar(100) null, primary key ("case_no"));`);
    this.addSql(`create index "sweep_schedule_due_at_index" on "sweep_schedule" ("due_at");`);

    this.addSql(`alter table "items" add "stages" jsonb not null default '[]';`);

    this.addSql(`alter table "time_policies" add "report_by_time" varchar(5) not null default '17:00', add "non_working_day_report_by_time" varchar(5) not null default '17:00', add "notice_due_working_days" int not null default 5, add "appeal_working_days" int not null default 10;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "items" drop column "stages";`);

    this.addSql(`alter table "time_policies" drop column "report_by_time", drop column "non_working_day_report_by_time", drop column "notice_due_working_days", drop column "appeal_working_days";`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261125004137_initial extends Migration {

  override name = 'Migration20261125004137_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "calendar_years" ("year" int not null, "holidays" jsonb not null, "workdays" jsonb not null, "source" varchar(500) null, "updated_at" timestamptz not null, primary key ("year"));`);

    this.addSql(`create table "case_events" ("seq" bigserial primary key, "event_id" varchar(64) not null, "case_no" varchar(50) not null, "type" varchar(16) not null, "occurred_at" timestamptz not null, "payload" jsonb not null, "content_hash" varchar(64) not null, "source" varchar(80) not null, "received_at" timestamptz not null);`);
    this.addSql(`alter table "case_events" add constraint "case_events_event_id_unique" unique ("event_id");`);
    this.addSql(`create index "case_events_case_no_index" on "case_events" ("case_no");`);

    this.addSql(`create table "cases" ("case_no" varchar(50) collate "C" not null, "status" varchar(16) not null, "item_code" varchar(64) null, "department_code" varchar(64) null, "limit_days" int null, "limit_unit" varchar(16) null, "facts" jsonb not null, "first_occurred_at" timestamptz null, "last_occurred_at" timestamptz null, "accepted_day" date null, "concluded_day" date null, "deadline" date null, "yellow_from" date null, "yellow_card_on" date null, "red_card_on" date null, "updated_at" timestamptz not null, primary key ("case_no"));`);
    this.addSql(`create index "cases_department_code_case_no_index" on "cases" ("department_code", "case_no");`);
    this.addSql(`create index "cases_item_code_case_no_index" on "cases" ("item_code", "case_no");`);
    this.addSql(`create index "cases_status_case_no_index" on "cases" ("status", "case_no");`);
    this.addSql(`create index "cases_last_occurred_at_index" on "cases" ("last_occurred_at");`);
    this.addSql(`create index "cases_deadline_index" on "cases" ("deadline");`);
    this.addSql(`create index "cases_open_timeline_index" on "cases" ("department_code", "case_no") include ("item_code", "deadline", "yellow_from", "yellow_card_on", "red_card_on", "last_occurred_at") where "status" in ('open', 'paused');`);

    this.addSql(`create table "departments" ("code" varchar(64) not null, "name" varchar(200) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("code"));`);

    this.addSql(`create table "imports" ("id" uuid not null, "format" varchar(16) not null, "status" varchar(16) not null, "body" bytea not null, "total_rows" int null, "processed_rows" int not null default 0, "accepted" int not null default 0, "duplicates" int not null default 0, "rejected" int not null default 0, "error" varchar(1000) null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "items" ("item_code" varchar(64) not null, "name" varchar(200) not null, "department_code" varchar(64) not null, "legal_limit_days" int not null, "promised_limit_days" int not null, "limit_unit" varchar(16) not null, "fees" jsonb not null, "promised_visits" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("item_code"));`);
    this.addSql(`create index "items_department_code_index" on "items" ("department_code");`);

    this.addSql(`create table "rejections" ("id" bigserial primary key, "event_id" varchar(200) null, "case_no" varchar(200) null, "code" varchar(40) not null, "message" varchar(500) not null, "details" jsonb not null, "payload" jsonb not null, "source" varchar(80) not null, "line" int null, "received_at" timestamptz not null, "resolved_at" timestamptz null);`);
    this.addSql(`create index "rejections_event_id_index" on "rejections" ("event_id");`);
    this.addSql(`create index "rejections_source_index" on "rejections" ("source");`);
    this.addSql(`create index "rejections_received_at_index" on "rejections" ("received_at");`);

    this.addSql(`create table "time_policies" ("key" varchar(32) not null, "yellow_at_remaining_days" int not null, "yellow_card_overdue_days" int not null, "red_card_overdue_days" int not null, "updated_at" timestamptz not null, primary key ("key"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "calendar_years" cascade;`);
    this.addSql(`drop table if exists "case_events" cascade;`);
    this.addSql(`drop table if exists "cases" cascade;`);
    this.addSql(`drop table if exists "departments" cascade;`);
    this.addSql(`drop table if exists "imports" cascade;`);
    this.addSql(`drop table if exists "items" cascade;`);
    this.addSql(`drop table if exists "rejections" cascade;`);
    this.addSql(`drop table if exists "time_policies" cascade;`);
  }

}

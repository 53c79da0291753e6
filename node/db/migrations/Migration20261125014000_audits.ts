import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: re-supervision (federation/PROTOCOL.md, "Re-supervision"). `audits` holds the
 * audits this node ran on its children and descendants, with their findings; `audit_request_nonces`
 * the nonces of audit requests this node answered, so a captured request cannot be replayed to
 * pull the events again. The index on `case_events.occurred_at` serves the range an audit selects.
 */
export class Migration20261125014000_audits extends Migration {
  override name = 'Migration20261125014000_audits';

  override up(): void {
    this.addSql(`create table "audits" (
      "id" uuid not null primary key,
      "node_code" varchar(6) not null,
      "requested_by" varchar(200) not null,
      "from_day" date not null,
      "to_day" date not null,
      "department_code" varchar(64) null,
      "page_size" int not null,
      "status" varchar(16) not null check ("status" in ('queued', 'running', 'done', 'failed')),
      "audit_at" timestamptz null,
      "witnessed_tree_size" bigint null,
      "witnessed_root_hash" varchar(64) null,
      "counts" jsonb not null default '{}'::jsonb,
      "discrepancies" jsonb not null default '[]'::jsonb,
      "proof_failures" jsonb not null default '[]'::jsonb,
      "skipped" jsonb not null default '[]'::jsonb,
      "error" varchar(1000) null,
      "created_at" timestamptz not null,
      "started_at" timestamptz null,
      "finished_at" timestamptz null);`);
    this.addSql('create index "audits_node_code_created_at_index" on "audits" ("node_code", "created_at");');
    this.addSql('create index "audits_unfinished_index" on "audits" ("created_at") where "status" in (\'queued\', \'running\');');

    this.addSql(`create table "audit_request_nonces" (
      "nonce" varchar(64) not null primary key,
      "auditor" varchar(6) not null,
      "seen_at" timestamptz not null);`);
    this.addSql('create index "audit_request_nonces_seen_at_index" on "audit_request_nonces" ("seen_at");');

    this.addSql('create index "case_events_occurred_at_index" on "case_events" ("occurred_at");');
  }

  override down(): void {
    this.addSql('drop index if exists "case_events_occurred_at_index";');
    this.addSql('drop table if exists "audit_request_nonces";');
    this.addSql('drop table if exists "audits";');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: the federation state (federation/PROTOCOL.md). `federation_nodes` is the
 * registry of this node, its parent, its children and their descendants, with the keys pinned
 * for each and the sync position reached with it.
 */
export class Migration20261125011500_federation_state extends Migration {
  override name = 'Migration20261125011500_federation_state';

  override up(): void {
    this.addSql(`create table "federation_nodes" (
      "code" varchar(6) not null primary key,
      "relation" varchar(16) not null check ("relation" in ('self', 'parent', 'child', 'descendant')),
      "parent_code" varchar(6) null,
      "level" varchar(16) not null check ("level" in ('county', 'city', 'province')),
      "name" varchar(200) not null,
      "public_url" varchar(500) null,
      "jwks" jsonb null,
      "enrolled_at" timestamptz null,
      "enrollment_token_hash" varchar(64) null,
      "token_expires_at" timestamptz null,
      "last_sequence" bigint not null default 0,
      "last_batch_hash" varchar(64) null,
      "last_tree_size" bigint not null default 0,
      "last_root_hash" varchar(64) null,
      "last_checkpoint_jws" text null,
      "last_seen_at" timestamptz null,
      "last_error" varchar(1000) null,
      "created_at" timestamptz not null default now());`);
    this.addSql('create unique index "federation_nodes_one_parent" on "federation_nodes" ((true)) where "relation" = \'parent\';');
    this.addSql('create index "federation_nodes_parent_code_index" on "federation_nodes" ("parent_code");');

    this.addSql(`create table "own_checkpoints" (
      "tree_size" bigint not null primary key,
      "root_hash" varchar(64) not null,
      "signed_at" timestamptz not null,
      "jws" text not null);`);

    this.addSql(`create table "outbox_batches" (
      "sequence" bigint not null primary key,
      "batch_hash" varchar(64) not null unique,
      "jws" text not null,
      "tree_size" bigint not null,
      "created_at" timestamptz not null,
      "attempts" int not null default 0,
      "last_attempt_at" timestamptz null,
      "last_error" varchar(1000) null,
      "acked_at" timestamptz null,
      "receipt_jws" text null);`);

    this.addSql(`create table "inbox_batches" (
      "node_code" varchar(6) not null,
      "sequence" bigint not null,
      "batch_hash" varchar(64) not null,
      "jws" text not null,
      "via_code" varchar(6) not null,
      "received_at" timestamptz not null,
      "receipt_jws" text null,
      "forwarded_in" bigint null,
      primary key ("node_code", "sequence"));`);
    this.addSql('create index "inbox_batches_unforwarded_index" on "inbox_batches" ("received_at") where "forwarded_in" is null;');

    this.addSql(`create table "rollup_summaries" (
      "node_code" varchar(6) not null,
      "department_code" varchar(64) not null,
      "item_code" varchar(64) not null,
      "day" date not null,
      "accepted" int not null default 0,
      "not_accepted" int not null default 0,
      "concluded" int not null default 0,
      "on_time" int not null default 0,
      "early" int not null default 0,
      "late" int not null default 0,
      "yellow_cards" int not null default 0,
      "red_cards" int not null default 0,
      "open" int not null default 0,
      "green" int not null default 0,
      "yellow" int not null default 0,
      "red" int not null default 0,
      "paused" int not null default 0,
      "updated_at" timestamptz not null,
      primary key ("node_code", "department_code", "item_code", "day"));`);
    this.addSql('create index "rollup_summaries_day_index" on "rollup_summaries" ("day");');
  }

  override down(): void {
    for (const table of ['rollup_summaries', 'inbox_batches', 'outbox_batches', 'own_checkpoints', 'federation_nodes']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}

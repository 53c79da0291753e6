import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: the audit trail (node/audit-trail/), an append-only, hash-chained table that is
 * not an entity. Its triggers refuse UPDATE, DELETE and TRUNCATE and refuse an insert that does not
 * extend the chain at its end; the runtime database role is also granted only SELECT and INSERT on
 * it (node/db/runtime-role.ts), so the node cannot rewrite it even with the triggers dropped.
 */
export class Migration20261125060000_audit_trail extends Migration {
  override name = 'Migration20261125060000_audit_trail';

  override up(): void {
    this.addSql(`create table "audit_log" (
  "seq" bigint not null,
  "at" timestamptz not null,
  "actor" text not null,
  "role" text null,
  "action" text not null,
  "record" text null,
  "details" jsonb not null default '{}',
  "address" text null,
  "request_id" text not null,
  "status" int not null,
  "prev_hash" text not null,
  "hash" text not null,
  primary key ("seq"),
  constraint "audit_log_seq_check" check ("seq" >= 1),
  constraint "audit_log_prev_hash_check" check ("prev_hash" ~ '^[0-9a-f]{64}$'),
  constraint "audit_log_hash_check" check ("hash" ~ '^[0-9a-f]{64}$')
);`);
    // The list filters: each reads newest first within one actor, action or record, or a time range.
    this.addSql(`create index "audit_log_actor_index" on "audit_log" ("actor", "seq");`);
    this.addSql(`create index "audit_log_action_index" on "audit_log" ("action", "seq");`);
    this.addSql(`create index "audit_log_record_index" on "audit_log" ("record", "seq") where "record" is not null;`);
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at");`);

    this.addSql(`create function "audit_log_refuse_change"() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only: % on % refused', tg_op, tg_table_name
    using errcode = 'restrict_violation';
end
$$;`);
    this.addSql(`create trigger "audit_log_append_only" before update or delete or truncate on "audit_log"
  for each statement execute function "audit_log_refuse_change"();`);

    // A row must continue the chain: seq one past the last, prev_hash the last hash (the hash
    // itself is checked by GET /api/v1/audit/verify, which can recompute it).
    this.addSql(`create function "audit_log_check_append"() returns trigger language plpgsql as $$
declare
  last_seq bigint;
  last_hash text;
begin
  select "seq", "hash" into last_seq, last_hash from "audit_log" order by "seq" desc limit 1;
  if new."seq" <> coalesce(last_seq, 0) + 1
    or new."prev_hash" <> coalesce(last_hash, repeat('0', 64)) then
    raise exception 'the audit trail grows at its end only: entry % refused', new."seq"
      using errcode = 'restrict_violation';
  end if;
  return new;
end
$$;`);
    this.addSql(`create trigger "audit_log_chain" before insert on "audit_log"
  for each row execute function "audit_log_check_append"();`);
  }

  override down(): void {
    this.addSql('drop table if exists "audit_log";');
    this.addSql('drop function if exists "audit_log_check_append"();');
    this.addSql('drop function if exists "audit_log_refuse_change"();');
  }
}

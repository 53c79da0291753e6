/**
 * The tables of the event log, as DDL for a migration (one string; it holds several statements
 * and dollar-quoted function bodies, so run it without bind parameters).
 *
 * - `log_leaves`: one row per leaf, numbered 0, 1, 2 ... with no gaps. A statement-level check
 *   refuses an insert that would leave a gap or skip the end, which would silently change every
 *   later root.
 * - `log_nodes`: the hash of every perfect subtree of two or more leaves, written when its last
 *   leaf is appended (level >= 1; level 0 is `log_leaves`).
 *
 * Both refuse UPDATE, DELETE and TRUNCATE with SQLSTATE 23001 (restrict_violation). That stops
 * mistakes, not a database superuser (who can disable triggers or drop tables); tampering by one
 * is caught by the signed checkpoints a parent has witnessed, as a failed consistency proof.
 */
export const LOG_SCHEMA_SQL = `
create table "log_leaves" (
  "leaf_index" bigint not null,
  "leaf_hash" bytea not null,
  "appended_at" timestamptz not null default now(),
  primary key ("leaf_index"),
  constraint "log_leaves_leaf_index_check" check ("leaf_index" >= 0),
  constraint "log_leaves_leaf_hash_check" check (octet_length("leaf_hash") = 32)
);

create table "log_nodes" (
  "level" int not null,
  "node_index" bigint not null,
  "hash" bytea not null,
  primary key ("level", "node_index"),
  constraint "log_nodes_level_check" check ("level" between 1 and 63),
  constraint "log_nodes_node_index_check" check ("node_index" >= 0),
  constraint "log_nodes_hash_check" check (octet_length("hash") = 32)
);

create function "log_refuse_change"() returns trigger language plpgsql as $$
begin
  raise exception 'the event log is append-only: % on % refused', tg_op, tg_table_name
    using errcode = 'restrict_violation';
end
$$;

create trigger "log_leaves_append_only" before update or delete or truncate on "log_leaves"
  for each statement execute function "log_refuse_change"();
create trigger "log_nodes_append_only" before update or delete or truncate on "log_nodes"
  for each statement execute function "log_refuse_change"();

-- Runs once per INSERT statement over the rows it added: O(batch + log n), not per row.
create function "log_leaves_check_contiguous"() returns trigger language plpgsql as $$
declare
  first_index bigint;
  last_index bigint;
  added bigint;
begin
  select min("leaf_index"), max("leaf_index"), count(*) into first_index, last_index, added from "added_leaves";
  if added = 0 then
    return null;
  end if;
  if last_index - first_index + 1 <> added
    or (first_index > 0 and not exists (select 1 from "log_leaves" where "leaf_index" = first_index - 1))
    or (select max("leaf_index") from "log_leaves") <> last_index then
    raise exception 'the event log must grow at its end without gaps: leaves % .. % refused', first_index, last_index
      using errcode = 'restrict_violation';
  end if;
  return null;
end
$$;

create trigger "log_leaves_contiguous" after insert on "log_leaves"
  referencing new table as "added_leaves"
  for each statement execute function "log_leaves_check_contiguous"();
`;

/** Undoes {@link LOG_SCHEMA_SQL} (a migration's down). DROP is not refused by the triggers. */
export const LOG_SCHEMA_DROP_SQL = `
drop table if exists "log_nodes";
drop table if exists "log_leaves";
drop function if exists "log_leaves_check_contiguous"();
drop function if exists "log_refuse_change"();
`;

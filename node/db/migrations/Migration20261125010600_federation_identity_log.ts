import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: the node's keys and its append-only event log, whose triggers the entity
 * metadata cannot express. Frozen SQL: the text federation/keys/key-schema.sql.ts and
 * federation/log/log-schema.sql.ts held when this migration was written, copied here so that a
 * later change to those files can never rewrite a schema already migrated (change it with a new
 * migration instead).
 */
export class Migration20261125010600_federation_identity_log extends Migration {
  override name = 'Migration20261125010600_federation_identity_log';

  override up(): void {
    this.addSql(NODE_KEYS_DDL);
    this.addSql(LOG_SCHEMA_SQL);
  }

  override down(): void {
    this.addSql(LOG_SCHEMA_DROP_SQL);
    this.addSql('drop table if exists "node_keys";');
  }
}

/** The node's signing keys (one current key at a time). */
const NODE_KEYS_DDL = `
CREATE TABLE IF NOT EXISTS node_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_key_enc bytea,
  created_at timestamptz NOT NULL,
  retired_at timestamptz,
  CONSTRAINT node_keys_current_has_private_key CHECK (retired_at IS NOT NULL OR private_key_enc IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS node_keys_one_current ON node_keys ((true)) WHERE retired_at IS NULL;
COMMENT ON TABLE node_keys IS '节点签名密钥 (node signing keys): Ed25519, kid = RFC 7638 thumbprint';
COMMENT ON COLUMN node_keys.public_jwk IS 'public JWK as published in /.well-known/jwks.json';
COMMENT ON COLUMN node_keys.private_key_enc IS 'AES-256-GCM sealed Ed25519 seed; NULL once retired';
COMMENT ON COLUMN node_keys.retired_at IS 'NULL for the current key; retired keys only verify';
`;

/** The append-only Merkle log: leaves, subtree hashes, and the triggers that refuse changes and gaps. */
const LOG_SCHEMA_SQL = `
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

const LOG_SCHEMA_DROP_SQL = `
drop table if exists "log_nodes";
drop table if exists "log_leaves";
drop function if exists "log_leaves_check_contiguous"();
drop function if exists "log_refuse_change"();
`;

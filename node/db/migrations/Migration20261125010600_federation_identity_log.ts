import { Migration } from '@mikro-orm/migrations';
import { NODE_KEYS_DDL } from '../../../federation/keys/key-schema.sql.ts';
import { LOG_SCHEMA_DROP_SQL, LOG_SCHEMA_SQL } from '../../../federation/log/log-schema.sql.ts';

/**
 * Written by hand: the node's keys and its append-only event log, whose triggers the entity
 * metadata cannot express. `event_log_entries` ties each leaf to the event it commits to.
 */
export class Migration20261125010600_federation_identity_log extends Migration {
  override name = 'Migration20261125010600_federation_identity_log';

  override up(): void {
    this.addSql(NODE_KEYS_DDL);
    this.addSql(LOG_SCHEMA_SQL);
    this.addSql(`create table "event_log_entries" (
      "leaf_index" bigint not null primary key references "log_leaves" ("leaf_index"),
      "event_seq" bigint not null unique references "case_events" ("seq"));`);
    this.addSql(`create trigger "event_log_entries_append_only" before update or delete or truncate on "event_log_entries"
      for each statement execute function "log_refuse_change"();`);
  }

  override down(): void {
    this.addSql('drop table if exists "event_log_entries";');
    this.addSql(LOG_SCHEMA_DROP_SQL);
    this.addSql('drop table if exists "node_keys";');
  }
}

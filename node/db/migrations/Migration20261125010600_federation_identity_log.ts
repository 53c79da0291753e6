import { Migration } from '@mikro-orm/migrations';
import { NODE_KEYS_DDL } from '../../../federation/keys/key-schema.sql.ts';
import { LOG_SCHEMA_DROP_SQL, LOG_SCHEMA_SQL } from '../../../federation/log/log-schema.sql.ts';

/**
 * Written by hand: the node's keys and its append-only event log, whose triggers the entity
 * metadata cannot express.
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

import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: the version of the calendar and time policy, one row bumped by every rule change
 * in its own transaction (node/timelimits/rule-change.ts). Each process of a node holds the rules in
 * memory with the version it loaded, and reloads before it judges anything when the row says newer,
 * so a change made through one web process is in force in every other one at once.
 */
export class Migration20261126090000_rules_version extends Migration {
  override name = 'Migration20261126090000_rules_version';

  override up(): void {
    this.addSql(`create table "rules_version" (
  "id" boolean not null default true,
  "version" bigint not null default 0,
  primary key ("id"),
  constraint "rules_version_one_row" check ("id")
);`);
    this.addSql(`insert into "rules_version" ("id", "version") values (true, 0);`);
  }

  override down(): void {
    this.addSql(`drop table "rules_version";`);
  }
}

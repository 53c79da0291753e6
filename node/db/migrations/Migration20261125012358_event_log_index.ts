import { Migration } from '@mikro-orm/migrations';

export class Migration20261125012358_event_log_index extends Migration {

  override name = 'Migration20261125012358_event_log_index';

  override up(): void | Promise<void> {
    this.addSql(`alter table "case_events" add "log_index" bigint null;`);
    this.addSql(`alter table "case_events" add constraint "case_events_log_index_unique" unique ("log_index");`);
    this.addSql(`create index "case_events_unlogged_index" on "case_events" ("seq") where "log_index" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "case_events" drop constraint "case_events_log_index_unique";`);
    this.addSql(`drop index "case_events_unlogged_index";`);
    this.addSql(`alter table "case_events" drop column "log_index";`);
  }

}

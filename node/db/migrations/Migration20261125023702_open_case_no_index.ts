import { Migration } from '@mikro-orm/migrations';

export class Migration20261125023702_open_case_no_index extends Migration {

  override name = 'Migration20261125023702_open_case_no_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "cases_open_case_no_index" on "cases" ("case_no") include ("department_code", "item_code", "deadline", "yellow_from", "last_occurred_at") where "status" in ('open', 'paused');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "cases_open_case_no_index";`);
  }

}

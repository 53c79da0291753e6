import { Migration } from '@mikro-orm/migrations';

export class Migration20261125031708_sweep_due_index extends Migration {

  override name = 'Migration20261125031708_sweep_due_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index "sweep_schedule_due_at_index";`);
    this.addSql(`create index "sweep_schedule_due_index" on "sweep_schedule" ("due_at", "case_no");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sweep_schedule_due_index";`);
    this.addSql(`create index "sweep_schedule_due_at_index" on "sweep_schedule" ("due_at");`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Light lists of the whole node read open cases timeline by timeline; keyed by the dates alone, a
 * timeline is one index range for all departments instead of one per department. The index it
 * replaces, every case by deadline, was read by no statement: ingest keeps as many indexes on
 * `cases` as before, and this one only for open and paused cases.
 */
export class Migration20261206231859_open_dates_index extends Migration {

  override name = 'Migration20261206231859_open_dates_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index "cases_deadline_index";`);
    this.addSql(`create index "cases_open_dates_index" on "cases" ("deadline", "yellow_from", "case_no") include ("item_code", "last_occurred_at") where "status" in ('open', 'paused');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "cases_open_dates_index";`);
    this.addSql(`create index "cases_deadline_index" on "cases" ("deadline");`);
  }

}

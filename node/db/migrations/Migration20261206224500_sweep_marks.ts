import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: `sweep_marks` (not an entity), where a change marks cases due for the sweep.
 * Ingest used to upsert `sweep_schedule` itself, and waited there for any sweep chunk that held
 * one of its cases' schedule rows (a chunk locks them until it commits, which is most of the time
 * while batches and sweeps alternate). A mark is a plain append that locks nothing; every sweep
 * first moves the marks into the schedule (supervision/sweep-schedule.ts), one statement.
 * No index: it is only ever read whole, by that statement, which deletes what it reads.
 */
export class Migration20261206224500_sweep_marks extends Migration {
  override name = 'Migration20261206224500_sweep_marks';

  override up(): void {
    this.addSql(`create table "sweep_marks" (
  "id" bigint generated always as identity,
  "case_no" varchar(50) collate "C" not null,
  "reason" varchar(100) not null
);`);
  }

  override down(): void {
    this.addSql(`insert into "sweep_schedule" ("case_no", "due_at", "reason")
  select "case_no", '-infinity', string_agg(distinct "reason", ',') from "sweep_marks" group by "case_no"
  on conflict ("case_no") do update set "due_at" = '-infinity';`);
    this.addSql('drop table if exists "sweep_marks";');
  }
}

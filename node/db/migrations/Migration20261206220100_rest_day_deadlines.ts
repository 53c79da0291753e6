import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: `timeline_upgrades` (not an entity) lists the changes of the time rules that a
 * release made in code, which the timelines cached before it do not follow yet. A node applies
 * each row at start (node/timelimits/timeline-upgrades.ts): it recomputes the cases the change
 * touches, marks them for the sweep with the change as the reason (so what the old rule raised is
 * revoked, saying why) and deletes the row, in one transaction.
 *
 * The first one: a calendar-day deadline on a rest day now moves to the next working day
 * (民法典第二百零三条); cases accepted before this release are due on the rest day itself.
 */
export class Migration20261206220100_rest_day_deadlines extends Migration {
  override name = 'Migration20261206220100_rest_day_deadlines';

  override up(): void {
    this.addSql(`create table "timeline_upgrades" (
  "name" varchar(64) not null,
  "created_at" timestamptz not null default now(),
  primary key ("name")
);`);
    this.addSql(`insert into "timeline_upgrades" ("name") values ('restDayDeadline');`);
  }

  override down(): void {
    this.addSql(`drop table "timeline_upgrades";`);
  }
}

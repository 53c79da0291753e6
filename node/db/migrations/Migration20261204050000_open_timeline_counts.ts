import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: `open_timeline_counts` (not an entity) counts the open and paused cases of each
 * department that share one cached timeline (deadline, yellow-from day, card days). The board sums
 * its few thousand rows instead of reading every open case. Statement triggers on `cases` keep it
 * in the same transaction as the rows they count, whoever writes them (ingest, a calendar or
 * policy recompute, a test). Rows that fall to zero are deleted; a count below zero is refused,
 * so a drift shows as an error instead of a wrong board.
 *
 * The light lists get an index keyed by those timelines, and one of the paused cases; the board's
 * old covering index of every open case goes.
 */
const KEY = '"department_code", "deadline", "yellow_from", "yellow_card_on", "red_card_on"';

/** The open or paused rows of a transition table, each counted `sign` times. */
const counted = (table: string, sign: 1 | -1): string =>
  `select ${KEY}, ${sign} as "n" from ${table} where "status" in ('open', 'paused')`;

/**
 * A trigger function adding the counted rows of `sources` (ordered, so concurrent writers lock rows
 * in one order); it deletes the rows it emptied and refuses a count below zero.
 */
const counter = (name: string, sources: string): string => `create function "${name}"() returns trigger language plpgsql as $$
declare
  below_zero int;
  emptied int;
begin
  with changed as (
    insert into "open_timeline_counts" as o (${KEY}, "cases")
      select ${KEY}, sum("n") from (${sources}) as d
      group by ${KEY} having sum("n") <> 0 order by ${KEY}
      on conflict on constraint "open_timeline_counts_key" do update set "cases" = o."cases" + excluded."cases"
      returning "cases"
  )
  select count(*) filter (where "cases" < 0), count(*) filter (where "cases" = 0) into below_zero, emptied from changed;
  -- (A CHECK cannot say this: PostgreSQL checks the row proposed for insertion, -1, before the conflict.)
  if below_zero > 0 then
    raise exception 'open_timeline_counts drifted: a count fell below zero' using errcode = 'check_violation';
  end if;
  if emptied > 0 then
    delete from "open_timeline_counts" where "cases" = 0;
  end if;
  return null;
end
$$;`;

export class Migration20261204050000_open_timeline_counts extends Migration {
  override name = 'Migration20261204050000_open_timeline_counts';

  override up(): void {
    this.addSql(`create table "open_timeline_counts" (
  "department_code" varchar(64) null,
  "deadline" date null,
  "yellow_from" date null,
  "yellow_card_on" date null,
  "red_card_on" date null,
  "cases" int not null,
  constraint "open_timeline_counts_key" unique nulls not distinct (${KEY})
) with (fillfactor = 50);`);
    // No index reads "cases" and the pages keep room, so its updates stay HOT: a table rewritten by
    // every ingest batch does not bloat its index, autovacuum or not.

    this.addSql(counter('open_timeline_counts_inserted', counted('"new_cases"', 1)));
    this.addSql(counter('open_timeline_counts_updated', `${counted('"new_cases"', 1)} union all ${counted('"old_cases"', -1)}`));
    this.addSql(counter('open_timeline_counts_deleted', counted('"old_cases"', -1)));
    this.addSql(`create function "open_timeline_counts_truncated"() returns trigger language plpgsql as $$
begin
  delete from "open_timeline_counts";
  return null;
end
$$;`);
    this.addSql(`create trigger "cases_count_inserted" after insert on "cases" referencing new table as "new_cases"
  for each statement execute function "open_timeline_counts_inserted"();`);
    this.addSql(`create trigger "cases_count_updated" after update on "cases" referencing old table as "old_cases" new table as "new_cases"
  for each statement execute function "open_timeline_counts_updated"();`);
    this.addSql(`create trigger "cases_count_deleted" after delete on "cases" referencing old table as "old_cases"
  for each statement execute function "open_timeline_counts_deleted"();`);
    this.addSql(`create trigger "cases_count_truncated" after truncate on "cases"
  for each statement execute function "open_timeline_counts_truncated"();`);
    this.addSql(`insert into "open_timeline_counts" (${KEY}, "cases")
  select ${KEY}, count(*) from "cases" where "status" in ('open', 'paused') group by ${KEY};`);

    this.addSql(`drop index "cases_open_timeline_index";`);
    this.addSql(`create index "cases_open_timeline_key_index" on "cases" ("department_code", "deadline", "yellow_from", "case_no") include ("item_code", "last_occurred_at") where "status" in ('open', 'paused');`);
    this.addSql(`create index "cases_open_paused_index" on "cases" ("case_no") include ("department_code", "item_code", "last_occurred_at") where "status" in ('open', 'paused') and "deadline" is null;`);
  }

  override down(): void {
    this.addSql(`drop index "cases_open_paused_index";`);
    this.addSql(`drop index "cases_open_timeline_key_index";`);
    this.addSql(`create index "cases_open_timeline_index" on "cases" ("department_code", "case_no") include ("item_code", "deadline", "yellow_from", "yellow_card_on", "red_card_on", "last_occurred_at") where "status" in ('open', 'paused');`);
    this.addSql('drop trigger if exists "cases_count_truncated" on "cases";');
    this.addSql('drop trigger if exists "cases_count_deleted" on "cases";');
    this.addSql('drop trigger if exists "cases_count_updated" on "cases";');
    this.addSql('drop trigger if exists "cases_count_inserted" on "cases";');
    this.addSql('drop function if exists "open_timeline_counts_truncated"();');
    this.addSql('drop function if exists "open_timeline_counts_deleted"();');
    this.addSql('drop function if exists "open_timeline_counts_updated"();');
    this.addSql('drop function if exists "open_timeline_counts_inserted"();');
    this.addSql('drop table if exists "open_timeline_counts";');
  }
}

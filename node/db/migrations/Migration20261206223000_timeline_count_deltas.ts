import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: `open_timeline_counts` becomes append-only. Its triggers on `cases` upserted one
 * row per (department, timeline); concurrent ingest batches whose cases share a department and a
 * deadline day (most of them: events arrive in time order) then queued on those rows' locks until
 * the batch ahead committed, even when they touched no case in common. Each statement on `cases`
 * now inserts its own signed counts instead, which locks nothing; a count is the sum of its key's
 * rows (the board already summed them). `compact_open_timeline_counts()` folds the rows of each
 * key into one and drops keys that sum to zero, refusing a sum below zero as drift; the worker runs
 * it after each sweep, so the rows stay about as many as the timelines plus the last seconds' deltas.
 */
const KEY = '"department_code", "deadline", "yellow_from", "yellow_card_on", "red_card_on"';

/** The open or paused rows of a transition table, each counted `sign` times. */
const counted = (table: string, sign: 1 | -1): string =>
  `select ${KEY}, ${sign} as "n" from ${table} where "status" in ('open', 'paused')`;

/** A trigger function appending the signed counts of `sources`, one row per key that changed. */
const appender = (name: string, sources: string): string => `create or replace function "${name}"() returns trigger language plpgsql as $$
begin
  insert into "open_timeline_counts" (${KEY}, "cases")
    select ${KEY}, sum("n") from (${sources}) as d group by ${KEY} having sum("n") <> 0;
  return null;
end
$$;`;

export class Migration20261206223000_timeline_count_deltas extends Migration {
  override name = 'Migration20261206223000_timeline_count_deltas';

  override up(): void {
    this.addSql('alter table "open_timeline_counts" drop constraint "open_timeline_counts_key";');
    this.addSql('alter table "open_timeline_counts" reset (fillfactor);');
    this.addSql(appender('open_timeline_counts_inserted', counted('"new_cases"', 1)));
    this.addSql(appender('open_timeline_counts_updated', `${counted('"new_cases"', 1)} union all ${counted('"old_cases"', -1)}`));
    this.addSql(appender('open_timeline_counts_deleted', counted('"old_cases"', -1)));
    // One compaction at a time (the advisory lock); rows inserted by transactions that commit after
    // its snapshot are not deleted and stay for the next one, so no count is lost or taken twice.
    this.addSql(`create function "compact_open_timeline_counts"() returns int language plpgsql as $$
declare
  below_zero int;
  kept int;
begin
  perform pg_advisory_xact_lock(hashtext('compact_open_timeline_counts'));
  with gone as (
    delete from "open_timeline_counts" returning ${KEY}, "cases"
  ), summed as (
    select ${KEY}, sum("cases")::int as "cases" from gone group by ${KEY} having sum("cases") <> 0
  ), kept_rows as (
    insert into "open_timeline_counts" (${KEY}, "cases") select ${KEY}, "cases" from summed returning "cases"
  )
  select count(*) filter (where "cases" < 0), count(*) into below_zero, kept from kept_rows;
  if below_zero > 0 then
    raise exception 'open_timeline_counts drifted: % counts below zero', below_zero using errcode = 'check_violation';
  end if;
  return kept;
end
$$;`);
  }

  override down(): void {
    this.addSql('select "compact_open_timeline_counts"();');
    this.addSql('drop function if exists "compact_open_timeline_counts"();');
    this.addSql('alter table "open_timeline_counts" set (fillfactor = 50);');
    this.addSql(`alter table "open_timeline_counts" add constraint "open_timeline_counts_key" unique nulls not distinct (${KEY});`);
    // The upserting trigger functions of Migration20261204050000_open_timeline_counts, as they were.
    const counter = (name: string, sources: string): string => `create or replace function "${name}"() returns trigger language plpgsql as $$
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
  if below_zero > 0 then
    raise exception 'open_timeline_counts drifted: a count fell below zero' using errcode = 'check_violation';
  end if;
  if emptied > 0 then
    delete from "open_timeline_counts" where "cases" = 0;
  end if;
  return null;
end
$$;`;
    this.addSql(counter('open_timeline_counts_inserted', counted('"new_cases"', 1)));
    this.addSql(counter('open_timeline_counts_updated', `${counted('"new_cases"', 1)} union all ${counted('"old_cases"', -1)}`));
    this.addSql(counter('open_timeline_counts_deleted', counted('"old_cases"', -1)));
  }
}

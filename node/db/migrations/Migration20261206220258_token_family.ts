import { Migration } from '@mikro-orm/migrations';

/**
 * A session is a token family: every refresh token it rotated away is kept (as its digest) in
 * `spent_refresh_tokens`, not only the one before the current, so any of them presented again
 * ends the session. The one-back digests of live sessions carry over before their column goes.
 */
export class Migration20261206220258_token_family extends Migration {

  override name = 'Migration20261206220258_token_family';

  override up(): void | Promise<void> {
    this.addSql(`create table "spent_refresh_tokens" ("token_hash" varchar(64) not null, "session_id" uuid not null, "spent_at" timestamptz not null, primary key ("token_hash"));`);
    this.addSql(`create index "spent_refresh_tokens_session_id_index" on "spent_refresh_tokens" ("session_id");`);
    this.addSql(`alter table "spent_refresh_tokens" add constraint "spent_refresh_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on delete cascade;`);
    this.addSql(`insert into "spent_refresh_tokens" ("token_hash", "session_id", "spent_at")
      select "previous_refresh_hash", "id", "last_used_at" from "sessions" where "previous_refresh_hash" is not null
      on conflict do nothing;`);

    this.addSql(`drop index "sessions_previous_refresh_hash_index";`);
    this.addSql(`alter table "sessions" drop column "previous_refresh_hash";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sessions" add "previous_refresh_hash" varchar(64) null;`);
    this.addSql(`create index "sessions_previous_refresh_hash_index" on "sessions" ("previous_refresh_hash");`);
    this.addSql(`update "sessions" s set "previous_refresh_hash" = (select t."token_hash" from "spent_refresh_tokens" t
      where t."session_id" = s."id" order by t."spent_at" desc limit 1);`);
    this.addSql(`drop table "spent_refresh_tokens";`);
  }

}

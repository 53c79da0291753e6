import { Migration } from '@mikro-orm/migrations';

/** Access control: users, their login sessions, and department API clients. */
export class Migration20261125040500_access extends Migration {

  override name = 'Migration20261125040500_access';

  override up(): void | Promise<void> {
    this.addSql(`create table "api_clients" ("id" varchar(40) not null, "name" varchar(100) not null, "departments" text[] not null default '{}', "secret_hash" varchar(64) not null, "secret_version" int not null default 1, "disabled" boolean not null default false, "created_at" timestamptz not null, "last_used_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "users" ("id" uuid not null, "login" varchar(64) not null, "name" varchar(100) not null, "role" varchar(32) not null, "departments" text[] not null default '{}', "password_hash" varchar(200) not null, "disabled" boolean not null default false, "failed_logins" int not null default 0, "locked_until" timestamptz null, "password_changed_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_login_unique" unique ("login");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "user_id" uuid not null, "refresh_hash" varchar(64) not null, "previous_refresh_hash" varchar(64) null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" varchar(32) null, "address" varchar(64) null, "user_agent" varchar(300) null, primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_refresh_hash_unique" unique ("refresh_hash");`);
    this.addSql(`create index "sessions_previous_refresh_hash_index" on "sessions" ("previous_refresh_hash");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sessions";`);
    this.addSql(`drop table if exists "users";`);
    this.addSql(`drop table if exists "api_clients";`);
  }

}

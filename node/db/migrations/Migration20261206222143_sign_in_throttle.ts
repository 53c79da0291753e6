import { Migration } from '@mikro-orm/migrations';

/**
 * Accounts are no longer locked: failed sign-ins are throttled by login and client address in
 * Redis (node/access/sign-in-throttle.ts), so the account's failure count and lock go. A lock in
 * force when the node is upgraded ends with it.
 */
export class Migration20261206222143_sign_in_throttle extends Migration {

  override name = 'Migration20261206222143_sign_in_throttle';

  override up(): void | Promise<void> {
    this.addSql(`alter table "users" drop column "failed_logins", drop column "locked_until";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" add "failed_logins" int not null default 0, add "locked_until" timestamptz(6) null;`);
  }

}

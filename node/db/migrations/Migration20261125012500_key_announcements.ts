import { Migration } from '@mikro-orm/migrations';

/** Written by hand: key announcements (a new JWKS signed by the key it replaces), kept for the peers. */
export class Migration20261125012500_key_announcements extends Migration {
  override name = 'Migration20261125012500_key_announcements';

  override up(): void {
    this.addSql(`create table "key_announcements" (
      "kid" varchar(64) not null primary key,
      "jws" text not null,
      "created_at" timestamptz not null);`);
  }

  override down(): void {
    this.addSql('drop table if exists "key_announcements";');
  }
}

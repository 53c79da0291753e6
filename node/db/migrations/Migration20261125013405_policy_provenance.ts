import { Migration } from '@mikro-orm/migrations';

/** Generated: provenance of calendar years and the time policy issued above (federation/PROTOCOL.md "Downward policy"). */
export class Migration20261125013405_policy_provenance extends Migration {

  override name = 'Migration20261125013405_policy_provenance';

  override up(): void | Promise<void> {
    this.addSql(`alter table "calendar_years" add "issuer" varchar(6) null, add "kid" varchar(64) null, add "signed_at" timestamptz null, add "policy_jws" text null, add "version" int null;`);

    this.addSql(`alter table "time_policies" add "issuer" varchar(6) null, add "kid" varchar(64) null, add "signed_at" timestamptz null, add "policy_jws" text null, add "version" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "calendar_years" drop column "issuer", drop column "kid", drop column "signed_at", drop column "policy_jws", drop column "version";`);

    this.addSql(`alter table "time_policies" drop column "issuer", drop column "kid", drop column "signed_at", drop column "policy_jws", drop column "version";`);
  }

}

import { expect } from 'chai';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Migration } from '@mikro-orm/migrations';
import { NODE_KEYS_DDL } from '../../../federation/keys/key-schema.sql.ts';
import { LOG_SCHEMA_DROP_SQL, LOG_SCHEMA_SQL } from '../../../federation/log/log-schema.sql.ts';
import { REPO_ROOT, importsOf, typeScriptFiles } from '../../support/import-graph.ts';

const MIGRATIONS = 'node/db/migrations';

type MigrationArgs = ConstructorParameters<typeof Migration>;

/** The statements a migration's up() and down() add, without a database (addSql only collects them). */
async function statementsOf(file: string): Promise<{ up: unknown[]; down: unknown[] }> {
  const module = (await import(pathToFileURL(`${REPO_ROOT}/${file}`).href)) as Record<string, unknown>;
  const MigrationClass = module[basename(file, '.ts')] as new (...args: MigrationArgs) => Migration;
  // Neither is touched by up() or down() of a migration that only adds SQL.
  const migration = new MigrationClass(null as unknown as MigrationArgs[0], null as unknown as MigrationArgs[1]);
  await migration.up();
  const up = [...migration.getQueries()];
  migration.reset();
  await migration.down();
  return { up, down: [...migration.getQueries()] };
}

describe('unit: migrations are frozen SQL', function () {
  const files = typeScriptFiles(MIGRATIONS);

  it('finds the migrations it judges', function () {
    expect(files).to.include(`${MIGRATIONS}/Migration20261125010600_federation_identity_log.ts`);
    expect(files.length).to.be.greaterThan(10);
  });

  it('imports nothing but @mikro-orm/migrations, so a later change to live code cannot rewrite an old migration', function () {
    const imports = files.flatMap(importsOf).filter((edge) => edge.specifier !== '@mikro-orm/migrations');
    expect(imports.map((edge) => `${edge.from} -> ${edge.specifier}`)).to.deep.equal([]);
  });

  it('keeps the federation tables as federation/ still declares them (the DDL the federation tests run)', async function () {
    // When the federation's schema files change, the change needs a new migration, never an edit of this one.
    const statements = await statementsOf(`${MIGRATIONS}/Migration20261125010600_federation_identity_log.ts`);
    expect(statements.up).to.deep.equal([NODE_KEYS_DDL, LOG_SCHEMA_SQL]);
    expect(statements.down).to.deep.equal([LOG_SCHEMA_DROP_SQL, 'drop table if exists "node_keys";']);
  });
});

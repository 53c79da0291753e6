/**
 * `npm run migration:create -- [name]`: diffs the entities against a scratch database migrated to
 * the current head and writes the next migration (and its snapshot) into node/db/migrations.
 */
import { openOrm, migrate } from './orm.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supervision_migrations';
const orm = await openOrm(url);
try {
  await orm.schema.ensureDatabase();
  await migrate(orm);
  const result = await orm.migrator.create(undefined, false, false, process.argv[2]);
  console.log(result.fileName ? `wrote ${result.fileName}` : 'no schema changes');
} finally {
  await orm.close(true);
}

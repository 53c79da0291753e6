/**
 * The unit of work (node/db/unit-of-work.ts) against real PostgreSQL: work joins the current
 * unit as a savepoint; a savepoint that fails takes back its rows and the hooks it registered;
 * after-commit hooks run only after COMMIT, never after a rollback; in-memory state put in force
 * at commit is taken back when COMMIT itself fails (a deferred constraint); outside a unit the
 * work commits on its own at once.
 */
import { expect } from 'chai';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../node/db/orm.ts';
import { query } from '../../node/core/db.ts';
import { currentUnit, inTransaction, outsideUnit, UnitOfWork, whenCommitted } from '../../node/core/unit-of-work.ts';
import { createTestDatabase, withClient, type TestDatabase } from '../support/test-database.ts';

describe('integration: the unit of work', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let orm: MikroORM;

  const rows = async (): Promise<string[]> => (await withClient(database.url, (client) => client.query('SELECT name FROM uow_rows ORDER BY name'))).rows.map((row) => row.name as string);
  const insert = (em: Parameters<typeof query>[0], name: string) => query(em, 'INSERT INTO uow_rows (name) VALUES ($1)', [name]);

  before(async () => {
    database = await createTestDatabase('sv_uow');
    await withClient(database.url, async (client) => {
      await client.query('CREATE TABLE uow_parents (id int PRIMARY KEY)');
      await client.query(`CREATE TABLE uow_rows (name text PRIMARY KEY,
        parent int REFERENCES uow_parents (id) DEFERRABLE INITIALLY DEFERRED)`);
    });
    orm = await openOrm(database.url);
  });
  after(async () => {
    await orm?.close();
    await database?.drop();
  });
  beforeEach(() => withClient(database.url, (client) => client.query('TRUNCATE uow_rows')));

  it('joins the current unit: nothing is visible before COMMIT, hooks run after it', async () => {
    const unit = await UnitOfWork.begin(orm.em);
    const seen: string[] = [];
    await unit.run(async () => {
      expect(currentUnit()).to.equal(unit);
      await inTransaction(orm.em, (tx) => insert(tx, 'a'));
      await whenCommitted(async () => {
        seen.push(`hook sees ${(await rows()).join(',')}`);
      });
      expect(await rows()).to.deep.equal([]);
    });
    expect(seen).to.deep.equal([]);
    await unit.commit();
    await unit.runAfterCommit((error) => { throw error; });
    expect(seen).to.deep.equal(['hook sees a']);
    expect(currentUnit()).to.equal(undefined);
  });

  it('a failed savepoint takes back its rows and its hooks; the rest of the unit stands', async () => {
    const unit = await UnitOfWork.begin(orm.em);
    const ran: string[] = [];
    await unit.run(async () => {
      await inTransaction(orm.em, (tx) => insert(tx, 'kept'));
      await whenCommitted(() => ran.push('kept'));
      const failed = await inTransaction(orm.em, async (tx) => {
        await insert(tx, 'undone');
        unit.afterCommit(() => ran.push('undone'));
        await insert(tx, 'kept');
      }).then(() => null, (error: unknown) => error);
      expect((failed as { code?: string } | null)?.code).to.equal('23505');
    });
    await unit.commit();
    await unit.runAfterCommit((error) => { throw error; });
    expect(await rows()).to.deep.equal(['kept']);
    expect(ran).to.deep.equal(['kept']);
  });

  it('a rollback runs no hook and leaves nothing', async () => {
    const unit = await UnitOfWork.begin(orm.em);
    let ran = false;
    await unit.run(async () => {
      await inTransaction(orm.em, (tx) => insert(tx, 'a'));
      await whenCommitted(() => { ran = true; });
    });
    await unit.rollback();
    await unit.runAfterCommit((error) => { throw error; });
    expect(ran).to.equal(false);
    expect(await rows()).to.deep.equal([]);
  });

  it('takes back the state put in force at commit when COMMIT fails', async () => {
    let state = 'old';
    const unit = await UnitOfWork.begin(orm.em);
    let ran = false;
    await unit.run(async () => {
      // The foreign key is checked only at COMMIT: the row's parent does not exist.
      await query(unit.em, 'INSERT INTO uow_rows (name, parent) VALUES ($1, $2)', ['orphan', 7]);
      unit.atCommit(() => { state = 'new'; }, () => { state = 'old'; });
      unit.afterCommit(() => { ran = true; });
    });
    const failure = await unit.commit().then(() => null, (error: unknown) => error);
    expect((failure as { code?: string } | null)?.code).to.equal('23503');
    await unit.runAfterCommit((error) => { throw error; });
    expect({ state, ran, open: unit.open }).to.deep.equal({ state: 'old', ran: false, open: false });
    expect(await rows()).to.deep.equal([]);

    const good = await UnitOfWork.begin(orm.em);
    good.atCommit(() => { state = 'new'; }, () => { state = 'old'; });
    await good.commit();
    expect(state).to.equal('new');
  });

  it('outside a unit, and in outsideUnit, work commits on its own at once and hooks run at once', async () => {
    let ran = false;
    await inTransaction(orm.em, (tx) => insert(tx, 'alone'));
    await whenCommitted(() => { ran = true; });
    expect(ran).to.equal(true);
    const unit = await UnitOfWork.begin(orm.em);
    await unit.run(async () => {
      await outsideUnit(() => inTransaction(orm.em, (tx) => insert(tx, 'outside')));
      expect(await rows()).to.deep.equal(['alone', 'outside']);
    });
    await unit.rollback();
    expect(await rows()).to.deep.equal(['alone', 'outside']);
  });
});

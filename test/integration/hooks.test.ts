import { expect } from 'chai';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../node/db/orm.ts';
import { execute, query } from '../../node/core/db.ts';
import { NODE_HOOKS, defineHook, type Hook } from '../../node/core/hooks.ts';
import { wireHooks } from '../../node/hook-wiring.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('integration: hooks run in the caller\'s transaction', function () {
  let database: TestDatabase;
  let orm: MikroORM;

  before(async function () {
    database = await createTestDatabase();
    orm = await openOrm(database.url);
    await execute(orm.em.fork(), 'CREATE TABLE hook_probe (seq serial PRIMARY KEY, what text NOT NULL)');
  });
  after(async function () {
    await orm?.close(true);
    await database?.drop();
  });
  beforeEach(async function () {
    await execute(orm.em.fork(), 'TRUNCATE hook_probe');
  });

  const probes = async (): Promise<string[]> =>
    (await query<{ what: string }>(orm.em.fork(), 'SELECT what FROM hook_probe ORDER BY seq')).map((row) => row.what);

  /** A hook whose subscriber writes what it heard, in the transaction it is given. */
  function probeHook(): Hook<[what: string]> {
    const hook = defineHook<[what: string]>('probe');
    hook.subscribe(async (tx, what) => {
      await execute(tx, 'INSERT INTO hook_probe (what) VALUES ($1)', [`heard ${what}`]);
    });
    return hook;
  }

  it('commits what a subscriber writes with the change that called the hook', async function () {
    const hook = probeHook();
    await orm.em.fork().transactional(async (tx) => {
      await execute(tx, 'INSERT INTO hook_probe (what) VALUES ($1)', ['change']);
      await hook(tx, 'a');
    });
    expect(await probes()).to.deep.equal(['change', 'heard a']);
  });

  it('rolls a subscriber\'s writes back when the caller\'s transaction fails after the call', async function () {
    const hook = probeHook();
    const failed = await orm.em.fork().transactional(async (tx) => {
      await hook(tx, 'b');
      throw new Error('the change fails after telling');
    }).catch((error: unknown) => error);
    expect(failed).to.be.instanceOf(Error).with.property('message', 'the change fails after telling');
    expect(await probes()).to.deep.equal([]);
  });

  it('passes a subscriber\'s error to the caller and undoes the change that called the hook', async function () {
    const hook = defineHook<[what: string]>('refusing');
    hook.subscribe(async () => {
      throw new Error('subscriber refused');
    });
    const failed = await orm.em.fork().transactional(async (tx) => {
      await execute(tx, 'INSERT INTO hook_probe (what) VALUES ($1)', ['change']);
      await hook(tx, 'c');
    }).catch((error: unknown) => error);
    expect(failed).to.be.instanceOf(Error).with.property('message', 'subscriber refused');
    expect(await probes()).to.deep.equal([]);
  });

  it('tells subscribers in subscription order, each once however often it subscribed, and not after it left', async function () {
    const hook = defineHook<[what: string]>('ordered');
    const first = async (tx: EntityManager, what: string): Promise<void> => {
      await execute(tx, 'INSERT INTO hook_probe (what) VALUES ($1)', [`first ${what}`]);
    };
    const leaveSecond = hook.subscribe(first);
    hook.subscribe(first);
    const leave = hook.subscribe(async (tx, what) => {
      await execute(tx, 'INSERT INTO hook_probe (what) VALUES ($1)', [`second ${what}`]);
    });
    expect(hook.subscriberCount).to.equal(2);
    await orm.em.fork().transactional((tx) => hook(tx, 'x'));
    leave();
    await orm.em.fork().transactional((tx) => hook(tx, 'y'));
    leaveSecond();
    await orm.em.fork().transactional((tx) => hook(tx, 'z'));
    expect(await probes()).to.deep.equal(['first x', 'second x', 'first y']);
    expect(hook.subscriberCount).to.equal(0);
  });

  it('the node\'s wiring leaves no hook unheard, and wiring twice subscribes nothing twice', function () {
    wireHooks();
    const counts = NODE_HOOKS.map((hook) => [hook.hookName, hook.subscriberCount]);
    expect(counts.every(([, count]) => Number(count) > 0)).to.equal(true);
    wireHooks();
    expect(NODE_HOOKS.map((hook) => [hook.hookName, hook.subscriberCount])).to.deep.equal(counts);
  });
});

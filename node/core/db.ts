/**
 * The node's database port: raw SQL with real bind parameters ($1, $2 ...) on the ORM's own pool,
 * inside the current transaction when there is one, and the `SqlRunner` adapters the federation
 * modules take. MikroORM's `execute()` formats parameters into the SQL text; the set-based hot
 * paths (ingest, verdict lists, recomputation) pass large JSON documents, so they go to the server
 * as parameters instead.
 *
 * `SqlRunner` is declared once for the whole codebase, in federation/ (which imports nothing from
 * node/), and taken here through federation/index.ts.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlRunner } from '../../federation/index.ts';

export type { SqlRunner };

/** The connection `em` runs on: its transaction when it is inside one, else the pool. */
const executorOf = (em: EntityManager): Kysely<unknown> =>
  em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient<unknown>();

/** Runs `text` with `params` and returns its rows. */
export async function query<Row = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const result = await executorOf(em).executeQuery<Row>(CompiledQuery.raw(text, [...params]));
  return result.rows;
}

/** Runs `text` and returns the number of rows it changed. */
export async function execute(em: EntityManager, text: string, params: readonly unknown[] = []): Promise<number> {
  const result = await executorOf(em).executeQuery(CompiledQuery.raw(text, [...params]));
  return Number(result.numAffectedRows ?? 0n);
}

/** Statements on their own (a fresh fork each time). */
export function poolRunner(orm: MikroORM): SqlRunner {
  return { query: <Row>(text: string, params?: readonly unknown[]) => query<Row>(orm.em.fork(), text, params) };
}

/** Statements inside the transaction `em` belongs to. */
export function transactionRunner(em: EntityManager): SqlRunner {
  return { query: <Row>(text: string, params?: readonly unknown[]) => query<Row>(em, text, params) };
}

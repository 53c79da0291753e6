/**
 * Raw SQL with real bind parameters ($1, $2 ...) on the ORM's own pool, inside the current
 * transaction when there is one. MikroORM's `execute()` formats parameters into the SQL text;
 * the set-based hot paths (ingest, verdict lists, recomputation) pass large JSON documents, so
 * they go to the server as parameters instead.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely } from 'kysely';

/** Runs `text` with `params` and returns its rows. */
export async function query<Row = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const executor = (em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient<unknown>());
  const result = await executor.executeQuery<Row>(CompiledQuery.raw(text, [...params]));
  return result.rows;
}

/** Runs `text` and returns the number of rows it changed. */
export async function execute(em: EntityManager, text: string, params: readonly unknown[] = []): Promise<number> {
  const executor = (em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient<unknown>());
  const result = await executor.executeQuery(CompiledQuery.raw(text, [...params]));
  return Number(result.numAffectedRows ?? 0n);
}

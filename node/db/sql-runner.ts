/** Adapts the node's database to the `SqlRunner` interface the federation modules take. */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { query } from './sql.ts';

export interface SqlRunner {
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Statements on their own (a fresh fork each time). */
export function poolRunner(orm: MikroORM): SqlRunner {
  return { query: <Row>(text: string, params?: readonly unknown[]) => query<Row>(orm.em.fork(), text, params) };
}

/** Statements inside the transaction `em` belongs to. */
export function transactionRunner(em: EntityManager): SqlRunner {
  return { query: <Row>(text: string, params?: readonly unknown[]) => query<Row>(em, text, params) };
}

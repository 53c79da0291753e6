/**
 * The one database port of the whole codebase: run one statement with bind parameters ($1, $2
 * ...) and answer its rows, inside the caller's transaction when there is one. Federation declares
 * it because federation imports nothing from node/; the node takes this same type through
 * federation/index.ts (node/core/db.ts) and adapts its ORM connection to it at wiring time. Over
 * `pg` it is `(await client.query(text, params)).rows`. Parameters are numbers, strings, arrays,
 * JSON text and Buffers (sent as bytea).
 */
export interface SqlRunner {
  /** Runs one statement with `$1`-style parameters and answers its rows. */
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

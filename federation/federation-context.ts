/**
 * Everything federation needs from the node, passed in at wiring time (federation never reaches
 * into node/ internals): who this node is, its keys, database access, schema validation, a clock,
 * and an HTTP client for the other nodes.
 */
import type { SqlRunner } from './sql-runner.ts';
import type { NodeIdentity } from './identity/node-identity.ts';
import type { Level } from './registry/node-registry.ts';
import type { PolicyHost } from './policy/policy-host.ts';

export interface FederationLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface FederationContext {
  self: { code: string; level: Level; name: string; publicUrl: string | null };
  /** The parent's base URL from the settings; null at the province. */
  parentUrl: string | null;
  identity: NodeIdentity;
  /** Statements on their own. */
  sql: SqlRunner;
  /**
   * Runs `work` in one database transaction; inside a write request, as part of the request's
   * transaction (a savepoint), so it commits with the request's audit entry or not at all.
   */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs `hook` once the current write request's transaction committed (at once outside one):
   * queueing work that must find what the request wrote, never for a change that rolled back.
   */
  afterCommit(hook: () => unknown): Promise<void>;
  /** Runs `work` in a read-only transaction of its own that reads one snapshot (REPEATABLE READ). */
  snapshot<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /** Throws a 400 naming the field when `data` does not match `schemas/<schemaFile>`. */
  validate(schemaFile: string, data: unknown): void;
  now(): Date;
  fetch: typeof fetch;
  log: FederationLogger;
  /** The node's calendars and time policy for downward policy; absent: none handed on or applied. */
  policy?: PolicyHost;
}

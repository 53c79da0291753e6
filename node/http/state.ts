/** What every request carries through the middleware chain. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AfterCommit } from '../core/unit-of-work.ts';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.ts';
import type { Access } from '../access/access-scope.ts';

export interface RequestState {
  requestId: string;
  /**
   * A request-scoped fork of the ORM's EntityManager; in a write request, bound to the request's
   * one transaction (node/http/write-transaction.ts), which commits with the audit entry.
   */
  em: EntityManager;
  /** Runs `hook` once the request's changes are committed; never when they roll back. */
  afterCommit(hook: AfterCommit): void;
  /** The handler's writes so far commit even though it then refuses (a failed sign-in's lockout count). */
  keepWritesOnRefusal(): void;
  log: Logger;
  /** Who is acting, recorded with every change (the bootstrap token acts as 'admin-token'). */
  actor?: string;
  /** The authenticated caller (set by authentication, before routing). */
  principal?: Principal;
  /** The caller's scope on the route it reached (set by the route guard). */
  access?: Access;
  /** What a handler adds to its audit-trail entry: the record it changed, a summary, or (login) who tried. */
  audit?: { record?: string; details?: Record<string, unknown>; actor?: string };
}

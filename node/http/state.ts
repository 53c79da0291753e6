/** What every request carries through the middleware chain. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

export interface RequestState {
  requestId: string;
  /** A request-scoped fork of the ORM's EntityManager. */
  em: EntityManager;
  log: Logger;
  /** Who is acting, recorded with every change (the bootstrap token acts as 'admin-token'). */
  actor?: string;
}

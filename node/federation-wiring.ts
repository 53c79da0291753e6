/**
 * Builds the FederationContext from the node's parts: the one place where node/ meets federation/.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { poolRunner, transactionRunner } from './db/sql-runner.ts';
import { assertSchema } from './http/validation.ts';
import type { FederationContext } from '../federation/federation-context.ts';
import type { NodeIdentity } from '../federation/identity/node-identity.ts';
import { upsertSelf } from '../federation/registry/node-registry.ts';

export async function createFederationContext(settings: Settings, orm: MikroORM, identity: NodeIdentity, logger: Logger, now: () => Date): Promise<FederationContext> {
  const context: FederationContext = {
    self: { code: settings.nodeCode, level: settings.nodeLevel, name: settings.nodeName, publicUrl: settings.publicUrl },
    parentUrl: settings.parentUrl,
    identity,
    sql: poolRunner(orm),
    transaction: (work) => orm.em.fork().transactional((tx) => work(transactionRunner(tx))),
    validate: (schemaFile, data) => assertSchema(schemaFile, data),
    now,
    fetch: globalThis.fetch,
    log: logger.child({ component: 'federation' }),
  };
  await upsertSelf(context.sql, { ...context.self, jwks: identity.jwks() });
  return context;
}

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A department's business system that sends case events (OAuth 2.0 client credentials). The
 * secret is high-entropy and shown once, so a SHA-256 digest is enough to keep; `secretVersion`
 * goes into every access token and rises with each new secret, which retires the earlier tokens.
 */
export const ApiClient = defineEntity({
  name: 'ApiClient',
  tableName: 'api_clients',
  properties: {
    /** The public client id, `c_<random>`. */
    id: p.string().primary().length(40),
    name: p.string().length(100),
    departments: p.array().default([]),
    secretHash: p.string().length(64),
    secretVersion: p.integer().default(1),
    disabled: p.boolean().default(false),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
  },
});
export type ApiClient = InferEntity<typeof ApiClient>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A person who signs in to the node (one role per account). Only a password hash is kept, and
 * `passwordChangedAt` when it was set. Failed sign-ins are counted by the sign-in throttle, in
 * Redis by login and address, never on the account (which nobody can lock for its owner).
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    login: p.string().length(64).unique(),
    name: p.string().length(100),
    /** One of USER_ROLES (principal.ts). */
    role: p.string().length(32),
    /** Department codes; set for department roles only. */
    departments: p.array().default([]),
    /** `scrypt$15$8$1$<salt>$<hash>` (passwords.ts); never answered by the API. */
    passwordHash: p.string().length(200),
    disabled: p.boolean().default(false),
    passwordChangedAt: p.datetime(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type User = InferEntity<typeof User>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.entity.ts';

/**
 * A login session: what an access token's `sid` names and what refresh tokens renew. Only SHA-256
 * digests of refresh tokens are kept: the current one here, every one it replaced in
 * spent_refresh_tokens, so that replaying any rotated token is recognised and ends the session
 * (reuse detection over the whole token family).
 */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    /** The user's id (the column is user_id). */
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    refreshHash: p.string().length(64).unique(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime(),
    /** Absolute end of the session, fixed at login: refreshing does not extend it. */
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(32).nullable(),
    address: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
  },
});
export type Session = InferEntity<typeof Session>;

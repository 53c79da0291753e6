import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Session } from './session.entity.ts';

/**
 * A refresh token rotated away: the SHA-256 digest of every token a session ever handed out and
 * took back, with the session it belongs to. A session is a token family: any of these presented
 * again, however many rotations back, means the family leaked, and the whole session ends (OAuth
 * 2.0 Security BCP section 4.14.2). Kept while the session could still be refreshed; pruned after.
 */
export const SpentRefreshToken = defineEntity({
  name: 'SpentRefreshToken',
  tableName: 'spent_refresh_tokens',
  properties: {
    tokenHash: p.string().primary().length(64),
    /** The session (token family) it was spent in (the column is session_id). */
    session: p.manyToOne(Session).mapToPk().deleteRule('cascade').index(),
    spentAt: p.datetime(),
  },
});
export type SpentRefreshToken = InferEntity<typeof SpentRefreshToken>;

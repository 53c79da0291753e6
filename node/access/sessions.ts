/**
 * Login sessions and their refresh tokens. Each refresh answers a new refresh token and retires
 * the one presented (rotation). A session is a token family: every token it retired is kept (as
 * a digest) in spent_refresh_tokens, and any of them presented again, however many rotations
 * back, means the family leaked, so the whole session ends (reuse detection, OAuth 2.0 Security
 * BCP section 4.14.2). Every change is one conditional statement, so two refreshes racing with
 * the same token cannot both win: the loser finds the token spent and ends the session.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { digestHex, newRefreshToken } from './opaque-secrets.ts';

/** Why a session ended, as stored in `revoked_reason`. */
export type RevokedReason = 'logout' | 'refreshReuse' | 'passwordChanged' | 'passwordReset' | 'userDisabled' | 'revokedByAdmin';

export interface OpenedSession {
  sessionId: string;
  refreshToken: string;
  expiresAt: Date;
}

/** Who is signing in, as the request shows it (kept for the user's session list). */
export interface ClientHints {
  address: string | null;
  userAgent: string | null;
}

/** Starts a session of `lifetimeSeconds` for `userId`. */
export async function openSession(em: EntityManager, userId: string, now: Date, lifetimeSeconds: number, hints: ClientHints): Promise<OpenedSession> {
  await pruneSpentTokens(em, userId, now);
  const sessionId = randomUUID();
  const refreshToken = newRefreshToken();
  const expiresAt = new Date(now.getTime() + lifetimeSeconds * 1000);
  await execute(em, `INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at, address, user_agent)
    VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, [sessionId, userId, digestHex(refreshToken), now, expiresAt, hints.address?.slice(0, 64) ?? null, hints.userAgent?.slice(0, 300) ?? null]);
  return { sessionId, refreshToken, expiresAt };
}

/** A refreshed session: the user it belongs to and the token to use next time. */
export interface RefreshedSession extends OpenedSession {
  userId: string;
  login: string;
}

/**
 * The refresh was refused; `reused` when a spent token came back and its session was ended (with
 * whose session it was, for the audit trail).
 */
export type RefreshRefusal = { refused: 'invalid' } | { refused: 'reused'; sessionId: string; userId: string; login: string };

/**
 * Rotates `refreshToken`: the session must be live and its user enabled. Answers the new token,
 * or why it was refused.
 */
export async function refreshSession(em: EntityManager, refreshToken: string, now: Date): Promise<RefreshedSession | RefreshRefusal> {
  const presented = digestHex(refreshToken);
  const next = newRefreshToken();
  // The rotation and the spent record are one statement: no instant where the old token is neither current nor spent.
  const rows = await query<{ id: string; user_id: string; login: string; expires_at: Date }>(em, `WITH rotated AS (
      UPDATE sessions s SET refresh_hash = $2, last_used_at = $3
      FROM users u
      WHERE s.refresh_hash = $1 AND u.id = s.user_id AND s.revoked_at IS NULL AND s.expires_at > $3 AND NOT u.disabled
      RETURNING s.id, s.user_id, u.login, s.expires_at
    ), spent AS (
      INSERT INTO spent_refresh_tokens (token_hash, session_id, spent_at) SELECT $1, id, $3 FROM rotated
    )
    SELECT id, user_id, login, expires_at FROM rotated`, [presented, digestHex(next), now]);
  const row = rows[0];
  if (row) return { sessionId: row.id, userId: row.user_id, login: row.login, refreshToken: next, expiresAt: new Date(row.expires_at) };
  // Ended sessions too: a spent token replayed after a logout is still a theft signal worth recording.
  const [reused] = await query<{ id: string; user_id: string; login: string }>(em, `UPDATE sessions s
    SET revoked_at = COALESCE(s.revoked_at, $2), revoked_reason = COALESCE(s.revoked_reason, 'refreshReuse')
    FROM spent_refresh_tokens t, users u WHERE t.token_hash = $1 AND s.id = t.session_id AND u.id = s.user_id
    RETURNING s.id, s.user_id, u.login`, [presented, now]);
  return reused ? { refused: 'reused', sessionId: reused.id, userId: reused.user_id, login: reused.login } : { refused: 'invalid' };
}

/**
 * Forgets the spent tokens of `userId`'s sessions that ended by their lifetime before `now`: such a
 * session can no longer be refreshed, so its family needs no guarding. Run at each sign-in, so
 * the table holds about the live sessions' rotations.
 */
export async function pruneSpentTokens(em: EntityManager, userId: string, now: Date): Promise<void> {
  await execute(em, `DELETE FROM spent_refresh_tokens t USING sessions s
    WHERE s.id = t.session_id AND s.user_id = $1 AND s.expires_at <= $2`, [userId, now]);
}

/** Ends one session (no-op when it has ended already). */
export async function revokeSession(em: EntityManager, sessionId: string, now: Date, reason: RevokedReason): Promise<void> {
  await execute(em, 'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [sessionId, now, reason]);
}

/** Ends every live session of `userId`, except `keep` when given; answers how many ended. */
export async function revokeUserSessions(em: EntityManager, userId: string, now: Date, reason: RevokedReason, keep?: string): Promise<number> {
  return execute(em, `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
    WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid)`, [userId, now, reason, keep ?? null]);
}

/** Live sessions of a user: what an administrator sees before ending them. */
export async function countLiveSessions(em: EntityManager, userId: string, now: Date): Promise<number> {
  const rows = await query<{ n: string }>(em, 'SELECT count(*) AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2', [userId, now]);
  return Number(rows[0]?.n ?? 0);
}

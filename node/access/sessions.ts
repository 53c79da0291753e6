/**
 * Login sessions and their refresh tokens. Each refresh answers a new refresh token and retires
 * the one presented (rotation); a retired token presented again means it leaked, so the whole
 * session ends (reuse detection, OAuth 2.0 Security BCP section 4.14). Every change is one
 * conditional UPDATE, so two refreshes racing with the same token cannot both win.
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
 * The refresh was refused; `reused` when a rotated-away token came back and the session was
 * ended (with whose session it was, for the audit trail).
 */
export type RefreshRefusal = { refused: 'invalid' } | { refused: 'reused'; userId: string; login: string };

/**
 * Rotates `refreshToken`: the session must be live and its user enabled. Answers the new token,
 * or why it was refused.
 */
export async function refreshSession(em: EntityManager, refreshToken: string, now: Date): Promise<RefreshedSession | RefreshRefusal> {
  const presented = digestHex(refreshToken);
  const next = newRefreshToken();
  const rows = await query<{ id: string; user_id: string; login: string; expires_at: Date }>(em, `UPDATE sessions s
    SET previous_refresh_hash = s.refresh_hash, refresh_hash = $2, last_used_at = $3
    FROM users u
    WHERE s.refresh_hash = $1 AND u.id = s.user_id AND s.revoked_at IS NULL AND s.expires_at > $3 AND NOT u.disabled
    RETURNING s.id, s.user_id, u.login, s.expires_at`, [presented, digestHex(next), now]);
  const row = rows[0];
  if (row) return { sessionId: row.id, userId: row.user_id, login: row.login, refreshToken: next, expiresAt: new Date(row.expires_at) };
  const [reused] = await query<{ user_id: string; login: string }>(em, `UPDATE sessions s
    SET revoked_at = COALESCE(s.revoked_at, $2), revoked_reason = COALESCE(s.revoked_reason, 'refreshReuse')
    FROM users u WHERE s.previous_refresh_hash = $1 AND u.id = s.user_id
    RETURNING s.user_id, u.login`, [presented, now]);
  return reused ? { refused: 'reused', userId: reused.user_id, login: reused.login } : { refused: 'invalid' };
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

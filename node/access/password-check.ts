/**
 * Checking a user's password with lockout: LOGIN_MAX_FAILURES wrong passwords in a row lock the
 * account for LOCKOUT_SECONDS, during which even the right password is refused; a right password
 * resets the count. An unknown login costs as much time as a known one and never locks anything.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { User } from './user.entity.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';

export interface LockoutPolicy {
  maxFailures: number;
  lockoutSeconds: number;
}

/** The verdict on one attempt; `user` is null only for an unknown login. */
export type PasswordVerdict =
  | { outcome: 'ok'; user: User }
  | { outcome: 'failed'; user: User | null }
  | { outcome: 'locked'; user: User; lockedUntil: Date };

/** Checks `password` for the account `login` (unknown, disabled and wrong all answer `failed`). */
export async function checkLogin(em: EntityManager, login: string, password: string, policy: LockoutPolicy, now: Date): Promise<PasswordVerdict> {
  const user = await em.findOne(User, { login: login.toLowerCase() });
  if (!user) {
    await verifyAgainstDummy(password);
    return { outcome: 'failed', user: null };
  }
  return checkPassword(em, user, password, policy, now);
}

/** Checks `password` against `user`'s, counting a failure toward the lockout. */
export async function checkPassword(em: EntityManager, user: User, password: string, policy: LockoutPolicy, now: Date): Promise<PasswordVerdict> {
  if (user.lockedUntil && user.lockedUntil > now) return { outcome: 'locked', user, lockedUntil: user.lockedUntil };
  const matches = await verifyPassword(password, user.passwordHash);
  if (user.disabled) return { outcome: 'failed', user };
  if (matches) {
    if (user.failedLogins !== 0 || user.lockedUntil !== null) {
      await execute(em, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
    }
    return { outcome: 'ok', user };
  }
  return recordFailure(em, user, policy, now);
}

async function recordFailure(em: EntityManager, user: User, policy: LockoutPolicy, now: Date): Promise<PasswordVerdict> {
  const until = new Date(now.getTime() + policy.lockoutSeconds * 1000);
  // One statement, so concurrent failures all count; the count starts again once the lock is set.
  const rows = await query<{ locked_until: Date | null }>(em, `UPDATE users SET
      failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
      locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $4 ELSE locked_until END
    WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $3)
    RETURNING locked_until`, [user.id, policy.maxFailures, now, until]);
  const lockedUntil = rows.length === 0
    ? (await query<{ locked_until: Date | null }>(em, 'SELECT locked_until FROM users WHERE id = $1', [user.id]))[0]?.locked_until ?? null
    : rows[0]!.locked_until;
  if (lockedUntil && new Date(lockedUntil) > now) return { outcome: 'locked', user, lockedUntil: new Date(lockedUntil) };
  return { outcome: 'failed', user };
}

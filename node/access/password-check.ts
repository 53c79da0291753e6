/**
 * Checking a user's password. Unknown, disabled and wrong all answer `failed`, and an unknown login
 * costs one verification like a known one (against a dummy hash), so neither the answer nor its
 * time tells which logins exist. Guessing is held back by the sign-in throttle
 * (sign-in-throttle.ts), which counts by login and address before this runs; no account is ever
 * locked for everyone.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from './user.entity.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';

/** The verdict on one attempt; `user` is null only for an unknown login. */
export type PasswordVerdict =
  | { outcome: 'ok'; user: User }
  | { outcome: 'failed'; user: User | null };

/** Checks `password` for the account `login`. */
export async function checkLogin(em: EntityManager, login: string, password: string): Promise<PasswordVerdict> {
  const user = await em.findOne(User, { login: login.toLowerCase() });
  if (!user) {
    await verifyAgainstDummy(password);
    return { outcome: 'failed', user: null };
  }
  return checkPassword(user, password);
}

/** Checks `password` against `user`'s (verified for a disabled account too, so it takes as long). */
export async function checkPassword(user: User, password: string): Promise<PasswordVerdict> {
  const matches = await verifyPassword(password, user.passwordHash);
  return matches && !user.disabled ? { outcome: 'ok', user } : { outcome: 'failed', user };
}

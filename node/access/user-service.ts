/**
 * People on the node: creating and changing accounts. The API and the CLI both come here, so the
 * same schema, role/department rules and password policy apply wherever an account is made.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { assertSchema } from '../http/validation.ts';
import { execute } from '../core/db.ts';
import { User } from './user.entity.ts';
import type { UserRole } from './principal.ts';
import { checkDepartments } from './department-binding.ts';
import { assertPasswordPolicy, hashPassword } from './passwords.ts';
import { revokeUserSessions } from './sessions.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export interface NewUser {
  login: string;
  name: string;
  role: UserRole;
  departments?: string[];
  password: string;
}

export interface UserChanges {
  name?: string;
  role?: UserRole;
  departments?: string[];
  disabled?: boolean;
  /** Lifts the sign-in throttle of the account (the caller does: it lives in Redis). */
  unlock?: true;
  password?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The user `id`, or NOT_FOUND (also for an id that is not a UUID). */
export async function findUser(em: EntityManager, id: string): Promise<User> {
  const user = UUID.test(id) ? await em.findOne(User, { id }) : null;
  if (!user) throw new AppError('NOT_FOUND', { user: id });
  return user;
}

/** Validates `body` (user-create.schema.json, role rules, password policy) and creates the account. */
export async function createUser(em: EntityManager, body: unknown, now: Date): Promise<User> {
  assertSchema('access/user-create.schema.json', body);
  const input = body as NewUser;
  const departments = await checkDepartments(em, input.role, input.departments ?? []);
  assertPasswordPolicy(input.password, input.login, 'password');
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  // ON CONFLICT instead of a read first: two requests for one login cannot both create it.
  const inserted = await execute(em, `INSERT INTO users (id, login, name, role, departments, password_hash, password_changed_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $7, $7) ON CONFLICT (login) DO NOTHING`, [id, input.login, input.name, input.role, departments, passwordHash, now]);
  if (inserted === 0) throw new AppError('LOGIN_TAKEN', { field: 'login', login: input.login });
  return em.findOneOrFail(User, { id });
}

/**
 * Applies `body` (user-update.schema.json) to the user `id`. Disabling the account or setting a
 * new password ends its sessions in the same transaction, so no token outlives the change.
 */
export async function updateUser(em: EntityManager, id: string, body: unknown, now: Date): Promise<User> {
  assertSchema('access/user-update.schema.json', body);
  const changes = body as UserChanges;
  await findUser(em, id);
  const passwordHash = changes.password === undefined ? null : await hashPasswordFor(em, id, changes.password);
  return em.transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const role = changes.role ?? (user.role as UserRole);
    if (changes.role !== undefined || changes.departments !== undefined) {
      // A move to a node-wide role drops the departments unless they are given.
      const departments = changes.departments ?? (changes.role !== undefined && changes.role !== user.role ? [] : user.departments);
      user.departments = await checkDepartments(tx, role, departments);
      user.role = role;
    }
    if (changes.name !== undefined) user.name = changes.name;
    if (passwordHash !== null) {
      user.passwordHash = passwordHash;
      user.passwordChangedAt = now;
      await revokeUserSessions(tx, id, now, 'passwordReset');
    }
    if (changes.disabled !== undefined) {
      user.disabled = changes.disabled;
      if (changes.disabled) await revokeUserSessions(tx, id, now, 'userDisabled');
    }
    user.updatedAt = now;
    await tx.flush();
    return user;
  });
}

async function hashPasswordFor(em: EntityManager, id: string, password: string): Promise<string> {
  const user = await findUser(em, id);
  assertPasswordPolicy(password, user.login, 'password');
  return hashPassword(password);
}

/** Lifts the sign-in throttle of the account `login`, from every address (the CLI's `users unlock`); NOT_FOUND when there is no such login. */
export async function unlockByLogin(em: EntityManager, throttle: SignInThrottle, login: string): Promise<void> {
  const user = await em.findOne(User, { login });
  if (!user) throw new AppError('NOT_FOUND', { field: 'login', login });
  await throttle.clear(user.login);
}

/** Stores a new password hash for user `id` (the caller ends its other sessions in the same transaction). */
export async function setPassword(em: EntityManager, id: string, passwordHash: string, now: Date): Promise<void> {
  await execute(em, 'UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1', [id, passwordHash, now]);
}

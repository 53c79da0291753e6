/**
 * `npm run cli -- users <create|unlock|list>`: accounts from the command line, for the first
 * administrator before anyone can sign in (and for a node that runs with ADMIN_TOKEN_ENABLED=false).
 * Accounts are made by the same service code as `POST /api/v1/users`: same schema, role rules and
 * password policy. The password comes from SUPERVISION_PASSWORD or the first line of stdin, never
 * from a flag (flags end up in shell history and process lists).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { User } from './user.entity.ts';
import { presentUser } from './access-presenters.ts';
import { createUser, unlockByLogin } from './user-service.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/** A mistake in how the command was called; the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USERS_USAGE = `用法 (usage):
  npm run cli -- users create --login <login> --role <role> --name <name> [--departments 001,002]
      password: SUPERVISION_PASSWORD, or one line on stdin
  npm run cli -- users unlock --login <login>
  npm run cli -- users list`;

/** Where a field of user-create.schema.json comes from on the command line. */
const FLAG_OF: Record<string, string> = { login: '--login', name: '--name', role: '--role', departments: '--departments', password: 'SUPERVISION_PASSWORD (or stdin)' };

/** The flag an AppError's `details.field` (`/role`, `/departments/0`, `departments`) came from. */
export function flagOf(error: AppError): string | null {
  const field = typeof error.details.field === 'string' ? error.details.field : '';
  const name = field.replace(/^\//, '').split('/')[0] ?? '';
  return FLAG_OF[name] ?? null;
}

async function readPassword(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadableStream): Promise<string> {
  if (env.SUPERVISION_PASSWORD) return env.SUPERVISION_PASSWORD;
  if ((stdin as { isTTY?: boolean }).isTTY) process.stderr.write('密码 (password): ');
  const lines = createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of lines) return line.replace(/\r$/, '');
  } finally {
    lines.close();
  }
  throw new UsageError('没有密码 (no password): set SUPERVISION_PASSWORD or pass it as one line on stdin');
}

function required(values: Record<string, string | undefined>, flag: string): string {
  const value = values[flag];
  if (value === undefined || value === '') throw new UsageError(`缺少 --${flag} (missing --${flag})\n${USERS_USAGE}`);
  return value;
}

/** What a command printed, and the record it changed (for the audit trail), if any. */
export interface UsersCommandResult {
  output: string;
  changed?: { action: string; record: string };
}

/** Runs one `users` command against `em`; `throttle` reaches the node's sign-in throttle (in Redis), for `unlock` only. */
export async function runUsersCommand(args: string[], em: EntityManager, env: NodeJS.ProcessEnv, stdin: NodeJS.ReadableStream, throttle: () => SignInThrottle, clock: Clock = systemClock): Promise<UsersCommandResult> {
  const [command, ...rest] = args;
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(rest);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USERS_USAGE}`);
  }
  const values = parsed.values;
  const now = clock();
  switch (command) {
    case 'create': {
      const body = {
        login: required(values, 'login'),
        name: required(values, 'name'),
        role: required(values, 'role'),
        departments: values.departments ? values.departments.split(',').map((code) => code.trim()).filter(Boolean) : [],
        password: await readPassword(env, stdin),
      };
      const user = await createUser(em, body, now);
      return { output: JSON.stringify(presentUser(user), null, 2), changed: { action: 'CLI users create', record: `user:${user.id}` } };
    }
    case 'unlock':
      await unlockByLogin(em, throttle(), required(values, 'login'));
      return { output: `已解锁 (unlocked): ${values.login}`, changed: { action: 'CLI users unlock', record: `user:${values.login}` } };
    case 'list': {
      const users = await em.find(User, {}, { orderBy: { login: 'asc' } });
      return { output: JSON.stringify(users.map(presentUser), null, 2) };
    }
    default:
      throw new UsageError(`未知命令 (unknown command): users ${command ?? ''}\n${USERS_USAGE}`);
  }
}

function parseFlags(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: { login: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, departments: { type: 'string' } },
  });
}

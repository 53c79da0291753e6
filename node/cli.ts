/**
 * `npm run cli -- <area> <command> [flags]`: administration from the command line. It reads the
 * settings as the node does (environment, NODE_CONFIG), brings the database schema up to date,
 * runs one command and exits: 0 on success, 1 with a sentence on stderr otherwise. Output meant
 * for people and scripts goes to stdout; logs go to stderr.
 */
import { loadSettings, SettingsError } from './config/settings.ts';
import { openOrm } from './db/orm.ts';
import { prepareDatabase } from './db/runtime-role.ts';
import { createLogger } from './logger.ts';
import { AppError } from './core/errors.ts';
import { flagOf, runUsersCommand, UsageError, USERS_USAGE } from './access/users-cli.ts';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { appendAudit, auditDatabaseOf } from './audit-trail/audit-store.ts';
import { systemClock } from './core/clock.ts';
import { Redis } from 'ioredis';
import { signInThrottleOf } from './access/sign-in-throttle.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const [area, ...args] = process.argv.slice(2);
if (area !== 'users') fail(`未知命令 (unknown command): ${area ?? '(none)'}\n${USERS_USAGE}`);

let settings;
try {
  settings = loadSettings();
} catch (error) {
  if (error instanceof SettingsError) fail(`配置错误 (configuration error): ${error.message}`);
  throw error;
}

const logger = createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, { cli: true }, pino.destination(2));
const orm = await openOrm(settings.databaseUrl, { poolMax: 2 });
// Only `users unlock` needs Redis (the sign-in throttle lives there): connected on first use.
let redis = null as Redis | null;
const throttle = () => signInThrottleOf(redis ??= new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 }), settings);
let output: string;
try {
  await prepareDatabase(orm, settings, logger);
  const result = await runUsersCommand(args, orm.em.fork(), process.env, process.stdin, throttle);
  output = result.output;
  // An operator at the server changes accounts too: the trail names the operating-system user.
  if (result.changed) {
    await appendAudit(auditDatabaseOf(orm), {
      at: systemClock(), actor: `cli:${userInfo().username}`, role: null, action: result.changed.action, record: result.changed.record,
      details: {}, address: hostname(), requestId: randomUUID(), status: 0,
    });
  }
} catch (error) {
  await orm.close(true);
  redis?.disconnect();
  if (error instanceof UsageError) fail(error.message);
  if (error instanceof AppError) {
    const flag = flagOf(error);
    fail(`错误 (error)${flag ? ` ${flag}` : ''}: ${error.message} ${JSON.stringify(error.details)}`);
  }
  throw error;
}
await orm.close(true);
await redis?.quit();
process.stdout.write(`${output}\n`);

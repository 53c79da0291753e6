/**
 * Keeps a request's secrets out of the log, whatever line they would end up in: `secretScope`
 * (first in the chain) opens the request's scope and remembers its credential headers;
 * `rememberBodySecrets` (after the body checks) remembers the values of the body's secret fields
 * (passwords, client secrets, tokens, applicants' ID numbers). The logger masks them (log-masking.ts).
 */
import type { Middleware } from 'koa';
import { rememberSecrets, withSecretScope } from '../log-masking.ts';

/** Body fields whose values are secret, compared in lower case. */
const SECRET_FIELDS = new Set([
  'password', 'newpassword', 'currentpassword', 'querypassword', 'clientsecret', 'client_secret', 'refreshtoken',
  'refresh_token', 'accesstoken', 'access_token', 'token', 'enrollmenttoken', 'secret', 'idno',
]);

/** Opens the request's secret scope and remembers the credentials of its Authorization and Cookie headers. */
export function secretScope(): Middleware {
  return (ctx, next) => withSecretScope(() => {
    const credential = /^\S+\s+(.+)$/.exec(ctx.get('authorization'))?.[1];
    rememberSecrets([ctx.get('authorization'), credential ?? '', ctx.get('cookie')]);
    return next();
  });
}

/** The string values of the secret fields anywhere in a parsed body (an iterative walk). */
export function bodySecrets(body: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const member of value) stack.push(member); // not push(...value): a long array exceeds the argument limit
      continue;
    }
    for (const [key, member] of Object.entries(value)) {
      if (typeof member === 'string' && SECRET_FIELDS.has(key.toLowerCase())) found.push(member);
      else stack.push(member);
    }
  }
  return found;
}

/** Remembers the body's secret values for the log masking of the rest of the request. */
export function rememberBodySecrets(): Middleware {
  return async (ctx, next) => {
    const body: unknown = ctx.request.body;
    if (body !== undefined) rememberSecrets(bodySecrets(body));
    await next();
  };
}

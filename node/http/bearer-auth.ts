/**
 * Bootstrap authentication: every `/api/v1` route needs `Authorization: Bearer <ADMIN_TOKEN>`.
 * The comparison is constant-time over SHA-256 digests so neither content nor length leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from './errors.ts';
import type { RequestState } from './state.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function bearerAuth(adminToken: string): Middleware<RequestState> {
  const expected = digest(adminToken);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header); // the scheme is case-insensitive (RFC 7235)
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new AppError('UNAUTHORIZED', {}, header ? '访问令牌无效 (invalid bearer token)' : undefined);
    }
    ctx.state.actor = 'admin-token';
    await next();
  };
}

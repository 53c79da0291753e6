/**
 * Writes to the API carry JSON: a POST or PUT whose body is of another type is refused with 415
 * instead of being read as an empty body. Imports are the exception: they carry CSV or NDJSON; and
 * the routes whose contract takes a form (the OAuth token endpoint, node/http/form-body.ts) take
 * that too.
 */
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';
import { formBodyAccepted, formPathMatcher, FORM_TYPE } from './form-body.ts';

export function requireJsonWrites(formPaths: readonly string[] = []): Middleware {
  const formAccepted = formBodyAccepted(formPaths);
  const takesForm = formPathMatcher(formPaths);
  return async (ctx, next) => {
    const writes = ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH';
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (writes && hasBody && ctx.path.startsWith('/api/') && ctx.path !== '/api/v1/imports' && !ctx.is('application/json') && !formAccepted(ctx)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'Content-Type', allowed: takesForm(ctx.path) ? ['application/json', FORM_TYPE] : ['application/json'] });
    }
    await next();
  };
}

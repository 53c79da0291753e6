/**
 * The one error renderer: every failure leaves as `{error: {code, message, details}}`. Only
 * AppErrors (and the 4xx errors Koa's own parsers raise) are described to the caller; anything
 * else is logged with its stack and answered as a bare INTERNAL, never with SQL or a stack trace.
 */
import type { Middleware } from 'koa';
import { AppError } from './errors.ts';
import type { RequestState } from './state.ts';

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

function fromHttpError(error: HttpishError): AppError | null {
  const status = error.status ?? error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (error.type === 'entity.parse.failed' || /JSON/i.test(error.message ?? '')) return new AppError('INVALID_JSON');
  return new AppError('INVALID_PARAMETER', {}, error.expose ? error.message : undefined);
}

export function errorRenderer(): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined) {
        if (ctx.status === 404) throw new AppError('NOT_FOUND', { path: ctx.path });
        // The routers' allowedMethods() answer these with a bare status; callers get the usual shape.
        if (ctx.status === 405) throw new AppError('METHOD_NOT_ALLOWED', { method: ctx.method, allowed: ctx.response.get('Allow').split(/,\s*/).filter(Boolean) });
        if (ctx.status === 501) throw new AppError('NOT_IMPLEMENTED', { method: ctx.method });
      }
    } catch (caught) {
      const appError = caught instanceof AppError ? caught : fromHttpError(caught as HttpishError);
      const error = appError ?? new AppError('INTERNAL', { requestId: ctx.state.requestId });
      if (!appError) ctx.state.log?.error({ err: caught }, 'unhandled error');
      ctx.status = error.status;
      ctx.body = { error: { code: error.code, message: error.message, details: error.details } };
      if (error.code === 'UNAUTHORIZED') ctx.set('WWW-Authenticate', 'Bearer');
    }
  };
}

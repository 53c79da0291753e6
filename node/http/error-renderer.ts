/**
 * The one error renderer: every failure leaves as `{error: {code, message, details}}`, with codes
 * from the one catalogue (node/core/errors.ts). Only AppErrors, 4xx FederationErrors (their codes
 * are the catalogue's federation part, or a peer's code passed on) and the 4xx errors Koa's own
 * parsers raise are described to the caller; anything else is logged with its stack and answered
 * as a bare INTERNAL, never with SQL or a stack trace.
 */
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';
import { FederationError } from '../../federation/index.ts';
import type { RequestState } from './state.ts';

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
  code?: unknown;
  details?: unknown;
}

/** A federation refusal meant for the caller: 4xx only (a 5xx may carry a peer's internals). */
function isClientFederationError(error: unknown): error is FederationError {
  return error instanceof FederationError && error.status >= 400 && error.status < 500;
}

function fromHttpError(error: HttpishError): AppError | null {
  const status = error.status ?? error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  // The JSON parser (@hapi/bourne) refuses a property named __proto__ anywhere in the body.
  if (/forbidden prototype property/.test(error.message ?? '')) {
    return new AppError('VALIDATION_FAILED', { field: '/', problem: '不得含有名为 __proto__ 的属性 (no property may be named __proto__)' }, '请求体含有名为 __proto__ 的属性 (no property may be named __proto__)');
  }
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
      if (isClientFederationError(caught)) {
        ctx.status = caught.status;
        ctx.body = { error: { code: caught.code, message: caught.message, details: caught.details } };
        return;
      }
      const appError = caught instanceof AppError ? caught : fromHttpError(caught as HttpishError);
      const error = appError ?? new AppError('INTERNAL', { requestId: ctx.state.requestId });
      if (!appError) ctx.state.log?.error({ err: caught }, 'unhandled error');
      ctx.status = error.status;
      ctx.body = { error: { code: error.code, message: error.message, details: error.details } };
      if (error.code === 'UNAUTHORIZED') ctx.set('WWW-Authenticate', 'Bearer');
    }
  };
}

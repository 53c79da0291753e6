/**
 * The one error renderer: every failure leaves as `{error: {code, message, details}}`. Only
 * AppErrors, 4xx errors that carry their own code on purpose (`expose`, e.g. federation's), and
 * the 4xx errors Koa's own parsers raise are described to the caller; anything
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
  code?: unknown;
  details?: unknown;
}

/** A 4xx error another module exposes on purpose with its own stable code (e.g. FederationError). */
function isCodedClientError(error: HttpishError): error is HttpishError & { status: number; code: string; message: string } {
  return error.expose === true && typeof error.code === 'string' && typeof error.status === 'number'
    && error.status >= 400 && error.status < 500 && /^[A-Z][A-Z0-9_]{2,40}$/.test(error.code);
}

function fromHttpError(error: HttpishError): AppError | null {
  const status = error.status ?? error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  // The JSON parser (@hapi/bourne) refuses a property named __proto__ anywhere in the body.
  if (/forbidden prototype property/.test(error.message ?? '')) {
    return new AppError('VALIDATION_FAILED', { field: '/', problem: 'no property may be named __proto__' }, '请求体含有名为 __proto__ 的属性 (no property may be named __proto__)');
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
      if (caught && typeof caught === 'object' && isCodedClientError(caught as HttpishError)) {
        const coded = caught as { status: number; code: string; message: string; details?: unknown };
        ctx.status = coded.status;
        ctx.body = { error: { code: coded.code, message: coded.message, details: typeof coded.details === 'object' && coded.details !== null ? coded.details : {} } };
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

/**
 * The form-encoded bodies the OAuth 2.0 token endpoint must take (RFC 6749 section 4.4.2, 6 and
 * appendix B: `application/x-www-form-urlencoded`, UTF-8), read into the same flat object a JSON
 * body of string fields is, so that the route's own schema checks and errors apply unchanged.
 * Mounted before the JSON body parser, only on the routes whose contract says `jsonOrForm`; every
 * other route keeps taking JSON only (node/http/require-json.ts).
 *
 * A form has no types, no nesting and no way to say "absent" but omission, so: a parameter without
 * a value counts as omitted (RFC 6749 section 3.1), a repeated one is refused (section 3.2), a
 * `__proto__` key is refused as in JSON, and any other name is just a name the schema refuses.
 */
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { AppError } from '../core/errors.ts';

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Whether `path` is one of `paths`, matched as the router does (case-insensitive, optional trailing slash). */
export function formPathMatcher(paths: readonly string[]): (path: string) => boolean {
  const lower = new Set(paths.map((path) => path.toLowerCase()));
  return (path) => lower.has(path.toLowerCase().replace(/(.)\/$/, '$1'));
}

/** Whether a request carries a form body to one of `paths` (the routes that take one). */
export function formBodyAccepted(paths: readonly string[]): (ctx: Context) => boolean {
  const matches = formPathMatcher(paths);
  return (ctx) => ctx.method === 'POST' && matches(ctx.path) && Boolean(ctx.request.is(FORM_TYPE));
}

/** The parameters of a form body as an object of strings, refusing what no JSON body could say either. */
export function parseForm(text: string): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (name === '__proto__') {
      throw new AppError('VALIDATION_FAILED', { field: '/', problem: '不得含有名为 __proto__ 的属性 (no property may be named __proto__)' }, '请求体含有名为 __proto__ 的属性 (no property may be named __proto__)');
    }
    if (value === '') continue;
    if (Object.hasOwn(body, name)) {
      throw new AppError('VALIDATION_FAILED', { field: `/${name}`, problem: '参数不得重复 (a parameter must not be repeated, RFC 6749 section 3.2)' });
    }
    body[name] = value;
  }
  return body;
}

export interface FormBodyOptions {
  /** Full request paths (prefix included) whose contract takes a form body. */
  paths: readonly string[];
  limitBytes: number;
}

export function formBody(options: FormBodyOptions): Middleware {
  const accepted = formBodyAccepted(options.paths);
  return async (ctx, next) => {
    if (accepted(ctx)) {
      const charset = ctx.request.charset.toLowerCase();
      if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'Content-Type', problem: `charset ${charset}: a form must be UTF-8`, allowed: [`${FORM_TYPE}; charset=utf-8`, 'application/json'] });
      }
      const text = await getRawBody(ctx.req, { limit: options.limitBytes, length: ctx.get('content-length') || undefined, encoding: 'utf-8' });
      // Set before the JSON parser runs, which then leaves the body alone.
      ctx.request.body = parseForm(text);
    }
    await next();
  };
}

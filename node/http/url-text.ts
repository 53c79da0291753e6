/**
 * Refuses a request whose path or query holds a NUL character once decoded (`%00`): no route
 * parameter or filter may hold one, and PostgreSQL refuses it in any text parameter, which
 * would otherwise surface as an internal error from whichever query received it first.
 */
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not decodable: the router keeps it as it is, and so does this check
  }
}

export function urlText(): Middleware {
  return async (ctx, next) => {
    if (decoded(ctx.path).includes('\u0000')) throw new AppError('INVALID_TEXT', { field: 'path', problem: 'contains U+0000 (NUL)' });
    for (const [name, value] of Object.entries(ctx.query)) {
      const values = Array.isArray(value) ? value : [value ?? ''];
      if (name.includes('\u0000') || values.some((text) => text.includes('\u0000'))) {
        throw new AppError('INVALID_TEXT', { field: name.replaceAll('\u0000', '\\u0000'), problem: 'query parameter contains U+0000 (NUL)' });
      }
    }
    await next();
  };
}

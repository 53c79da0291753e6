/**
 * Checks on a parsed JSON body before any handler sees it: nesting no deeper than JSON_MAX_DEPTH,
 * and no string (value or property name) holding U+0000 or a lone UTF-16 surrogate. PostgreSQL
 * text and jsonb cannot store U+0000, and a lone surrogate is not Unicode text at all; both are
 * refused here with the JSON pointer of the field instead of failing later inside a query.
 *
 * The walk is iterative: V8's JSON.parse takes a body a million levels deep without overflowing
 * the stack, and so must this check.
 */
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';

/** What is wrong with a body, and where (a JSON pointer). */
export type JsonBodyProblem =
  | { code: 'JSON_TOO_DEEP'; field: string; maxDepth: number }
  | { code: 'INVALID_TEXT'; field: string; problem: string };

interface Frame {
  value: unknown;
  /** Containers around this value: the body itself is at depth 0, its members at 1 ... */
  depth: number;
  parent: Frame | null;
  /** Property name or array index within the parent. */
  key: string;
}

/** Why a string cannot be stored as text, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which text cannot hold';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** A pointer segment as RFC 6901 writes it, with NUL and lone surrogates shown as `\uXXXX` so the answer stays readable. */
function segment(key: string): string {
  const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
  return escaped.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pointerOf(frame: Frame, extraKey?: string): string {
  const segments: string[] = extraKey === undefined ? [] : [segment(extraKey)];
  for (let at: Frame | null = frame; at?.parent; at = at.parent) segments.push(segment(at.key));
  return segments.length === 0 ? '/' : `/${segments.reverse().join('/')}`;
}

/** The first problem of a parsed body, depth first, or null. Containers nested deeper than `maxDepth` are not entered. */
export function inspectJsonBody(body: unknown, maxDepth: number): JsonBodyProblem | null {
  const stack: Frame[] = [{ value: body, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { code: 'INVALID_TEXT', field: pointerOf(frame), problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    // The body is one container (depth 1); a member container one more.
    if (frame.depth + 1 > maxDepth) return { code: 'JSON_TOO_DEEP', field: pointerOf(frame), maxDepth };
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push({ value: value[index], depth: frame.depth + 1, parent: frame, key: String(index) });
      continue;
    }
    const keys = Object.keys(value);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const problem = textProblem(key);
      if (problem) return { code: 'INVALID_TEXT', field: pointerOf(frame, key), problem: `property name ${problem}` };
      stack.push({ value: (value as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
    }
  }
  return null;
}

/**
 * Mounted right after the body parser: refuses a JSON body declared in another charset than
 * UTF-8 (the parser would read it as UTF-8 regardless; RFC 8259 allows only UTF-8 between
 * systems), and one that is too deep or holds text PostgreSQL cannot store.
 */
export function jsonBodyLimits(maxDepth: number): Middleware {
  return async (ctx, next) => {
    const body: unknown = ctx.request.body;
    const charset = ctx.request.charset.toLowerCase();
    if (body !== undefined && ctx.request.is('json') && charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'Content-Type', problem: `charset ${charset}: JSON must be UTF-8`, allowed: ['application/json; charset=utf-8'] });
    }
    if (body !== undefined) {
      const problem = inspectJsonBody(body, maxDepth);
      if (problem?.code === 'JSON_TOO_DEEP') throw new AppError('JSON_TOO_DEEP', { field: problem.field, maxDepth: problem.maxDepth });
      if (problem) throw new AppError('INVALID_TEXT', { field: problem.field, problem: problem.problem }, `字段 ${problem.field} 含有不允许的字符 (field ${problem.field} ${problem.problem})`);
    }
    await next();
  };
}

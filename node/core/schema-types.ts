/**
 * Schema pieces the route contracts share: what a code, a case number, an id or an instant looks
 * like in a path or a query. Patterns live here and in schemas/, never in handlers.
 */
import Type from 'typebox';
import { parseInstant } from '../calendar/local-date.ts';

/** A department, item or other code: 1-64 letters, digits or `._:-`. */
export const Code = (description?: string) => Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', ...(description ? { description } : {}) });

/** A case number: 1-50 printable ASCII characters. */
export const CaseNo = () => Type.String({ pattern: '^[\\x21-\\x7e]{1,50}$', description: '办件编号 (case number)' });

/** A positive integer id (alerts, notifications ...). */
export const PositiveId = (description?: string) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...(description ? { description } : {}) });

/** A UUID in lowercase hex, as the node makes them. */
export const Uuid = () => Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/** An ISO 8601 instant with an offset, e.g. `2026-03-02T10:00:00+08:00`. */
export const Instant = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** A 6-digit administrative division code (a node). */
export const NodeCode = () => Type.String({ pattern: '^\\d{6}$', description: '行政区划代码 (division code)' });

/** `?at=`: the instant a verdict is judged at; default now. */
export const AtQuery = { at: Type.Optional(Instant('判定时刻, 默认当前 (the instant to judge at; default now)')) };

/** `?at=` as a Date, or `now()` when absent (the one place the wall clock enters a request). */
export function atOrNow(at: string | undefined, now: () => Date): Date {
  // Strict: new Date() would roll 2026-02-30 over to March; the date-time format already checked it.
  return at === undefined ? now() : new Date(parseInstant(at));
}

/** Parsing of query-string parameters shared by the list routes: `at`, `limit`, `cursor`. */
import { AppError } from '../core/errors.ts';
import { parseInstant } from '../calendar/local-date.ts';

/** `?at=` as an instant: ISO 8601 with an offset; defaults to `now()` (the one place the wall clock enters). */
export function parseAt(raw: unknown, now: () => Date): Date {
  if (raw === undefined || raw === '') return now();
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    throw new AppError('INVALID_PARAMETER', { field: 'at', problem: 'must be an ISO 8601 instant with an offset, e.g. 2026-03-02T10:00:00+08:00' });
  }
  // Strict: new Date() would roll 2026-02-30 over to March and read 24:00 as the next day.
  try {
    return new Date(parseInstant(raw));
  } catch {
    throw new AppError('INVALID_PARAMETER', { field: 'at', problem: 'not a valid instant' });
  }
}

/** `?limit=`: 1..max, default `fallback`. */
export function parseLimit(raw: unknown, fallback = 50, max = 500): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new AppError('INVALID_PARAMETER', { field: 'limit', problem: `must be an integer from 1 to ${max}` });
  }
  return limit;
}

/** Opaque keyset cursor: base64url of the last key returned. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(raw)) {
    throw new AppError('INVALID_PARAMETER', { field: 'cursor', problem: 'not a cursor this API returned' });
  }
  return Buffer.from(raw, 'base64url').toString('utf8');
}

/** A single-valued string parameter restricted to `allowed` (or any short code when omitted). */
export function parseEnum<T extends string>(raw: unknown, field: string, allowed: readonly T[]): T | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
    throw new AppError('INVALID_PARAMETER', { field, problem: `must be one of ${allowed.join(', ')}` });
  }
  return raw as T;
}

export function parseCode(raw: unknown, field: string): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(raw)) {
    throw new AppError('INVALID_PARAMETER', { field, problem: 'must be a code of 1-64 letters, digits or ._:-' });
  }
  return raw;
}

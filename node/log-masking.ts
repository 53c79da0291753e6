/**
 * Masks what must never be written to a log, in the finished log line itself, so it holds for
 * every field, message and error text (a PostgreSQL error quoting a value, a stack trace): anything
 * shaped like a resident ID number (身份证号: 17 digits and a check digit or X), and the secret
 * values the current request carried (passwords, client secrets, tokens, applicants' ID numbers of
 * any shape), which the HTTP layer remembers in a per-request scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** 17 digits and a check digit or X, not part of a longer run of digits. */
const RESIDENT_ID = /(?<!\d)\d{17}[\dXx](?!\d)/g;

/** What replaces a masked value. */
export const MASK = '[redacted]';

/**
 * Remembered values shorter than this are left alone: masking every "abc" would mangle the line,
 * and such values are redacted by field name (REDACTED_PATHS) where they are logged as fields.
 */
const MIN_REMEMBERED_LENGTH = 6;

const scope = new AsyncLocalStorage<Set<string>>();

/** Runs `work` in a fresh scope: values remembered inside it are masked in every line logged inside it. */
export function withSecretScope<T>(work: () => T): T {
  return scope.run(new Set<string>(), work);
}

/** Masks `values` in the lines the current scope logs from now on (no scope: nothing to remember into). */
export function rememberSecrets(values: Iterable<string>): void {
  const secrets = scope.getStore();
  if (!secrets) return;
  for (const value of values) {
    if (value.length < MIN_REMEMBERED_LENGTH) continue;
    // As the value appears inside a JSON string of the line.
    secrets.add(JSON.stringify(value).slice(1, -1));
  }
}

/** Masks resident ID numbers in any text. */
export function maskIdNumbers(text: string): string {
  return text.replace(RESIDENT_ID, MASK);
}

/** The last step before a log line is written (pino's streamWrite hook). */
export function maskLogLine(line: string): string {
  let masked = maskIdNumbers(line);
  const secrets = scope.getStore();
  if (secrets) {
    for (const secret of secrets) masked = masked.replaceAll(secret, MASK);
  }
  return masked;
}

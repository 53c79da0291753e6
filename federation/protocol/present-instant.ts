/**
 * How federation's admin answers show an instant: ISO 8601 in China Standard Time
 * (`2026-03-02T10:00:00.000+08:00`), as the node's own answers do (node/core/instants.ts; federation
 * imports nothing from node/, hence this twin). Signed messages keep their `Z` instants
 * (federation/PROTOCOL.md): this is for presentation only.
 */
const OFFSET_MS = 8 * 3600 * 1000;

/** `value` as `YYYY-MM-DDTHH:mm:ss.SSS+08:00`, null as null. */
export function presentInstant(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return new Date(ms + OFFSET_MS).toISOString().replace(/Z$/, '+08:00');
}

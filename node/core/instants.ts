/**
 * How every instant is shown in answers and messages: ISO 8601 in China Standard Time,
 * `2026-03-02T10:00:00.000+08:00` (Asia/Shanghai has kept +08:00 without daylight saving since
 * 1991), so one answer never mixes `Z` and `+08:00`. What is stored, signed or hashed keeps its
 * own form (federation messages and the audit trail's hashed `at` say `Z`; see audit-chain.ts).
 */

const OFFSET_MS = 8 * 3600 * 1000;

/** `date` as `YYYY-MM-DDTHH:mm:ss.SSS+08:00`. */
export function isoLocal(date: Date | number | string): string {
  const ms = typeof date === 'number' ? date : date instanceof Date ? date.getTime() : Date.parse(date);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(date)}`);
  return new Date(ms + OFFSET_MS).toISOString().replace(/Z$/, '+08:00');
}

/** `isoLocal` of a nullable instant. */
export function isoLocalOrNull(date: Date | number | string | null | undefined): string | null {
  return date === null || date === undefined ? null : isoLocal(date);
}

/** SQL rendering a timestamptz expression the way `isoLocal` does (NULL stays NULL). */
export function isoLocalSql(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+08:00"')`;
}

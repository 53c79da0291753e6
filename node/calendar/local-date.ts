/**
 * Local dates in Asia/Shanghai (the time rules (README, 时限规则): every date is a local date there).
 *
 * Inside the node a date is a {@link DayNumber}: whole days since 1970-01-01. Day numbers are
 * cheap to compare, subtract and index arrays with; 'YYYY-MM-DD' strings appear only at the edges
 * (files, wire formats, SQL).
 *
 * Asia/Shanghai has kept a fixed +08:00 offset, without daylight saving, since 1991. So the local
 * date of an instant is simply the UTC date of (instant + 8 hours); no time-zone database is needed,
 * and the result cannot drift with the host's TZ setting.
 */

/** Days since 1970-01-01 (day 0, a Thursday) of a local date in Asia/Shanghai. */
export type DayNumber = number;

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time: an offset is mandatory, otherwise the instant would depend on the host.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The inverse of {@link daysFromCivil}, returning year * 10000 + month * 100 + day to avoid allocating. */
function civilFromDays(dayNumber: DayNumber): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function assertDay(day: DayNumber): void {
  if (!Number.isSafeInteger(day)) throw new RangeError(`not a day number: ${day}`);
}

/**
 * Milliseconds since the epoch of an RFC 3339 date-time with an offset ('Z' or '±hh:mm').
 * Strict: a missing offset or an impossible field (2025-02-30, 24:00) is a RangeError, and so is an
 * offset beyond ±15:59. RFC 3339 allows up to ±23:59, but no zone is that far from UTC (they span
 * -12:00 to +14:00) and PostgreSQL reads offsets only up to ±15:59: an instant the node parsed
 * would fail the statement that stores it, and with it every other event of its batch.
 */
export function parseInstant(value: string): number {
  const known = parsedInstants.get(value);
  if (known !== undefined) return known;
  const ms = parseInstantUncached(value);
  // A case's instants are read again by the fold, the rules and the sweep: parse each text once.
  if (parsedInstants.size >= PARSED_INSTANTS_MAX) parsedInstants.clear();
  parsedInstants.set(value, ms);
  return ms;
}

/** Instants already parsed, by their text (bounded: cleared whole when full). */
const parsedInstants = new Map<string, number>();
const PARSED_INSTANTS_MAX = 50_000;

/** The largest offset hour PostgreSQL reads (see parseInstant). */
const MAX_OFFSET_HOURS = 15;

function parseInstantUncached(value: string): number {
  const m = ISO_INSTANT.exec(value);
  if (m === null) throw new RangeError(`not an ISO 8601 date-time with an offset: ${JSON.stringify(value)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offHours = m[10] === undefined ? 0 : Number(m[10]);
  const offMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour > 23 || minute > 59 || second > 59 || offHours > MAX_OFFSET_HOURS || offMinutes > 59
  ) {
    throw new RangeError(`invalid date-time: ${JSON.stringify(value)}`);
  }
  const offsetMs = (m[9] === '-' ? -1 : 1) * (offHours * 60 + offMinutes) * 60_000;
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return local - offsetMs;
}

/** The Asia/Shanghai local date of an instant given as epoch milliseconds. */
export function localDayOfMs(epochMs: number): DayNumber {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
}

/**
 * The Asia/Shanghai local date of an instant: a Date, or an ISO 8601 date-time string with any
 * offset (e.g. '2026-02-13T20:00:00Z' is 2026-02-14 in Shanghai).
 */
export function localDayOf(instant: Date | string): DayNumber {
  const ms = typeof instant === 'string' ? parseInstant(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return localDayOfMs(ms);
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (m === null) return false;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= daysInMonth(Number(m[1]), month);
}

/** The day number of a 'YYYY-MM-DD' date; a RangeError for anything else (e.g. '2025-02-30'). */
export function dayFromIso(date: string): DayNumber {
  if (!isIsoDate(date)) throw new RangeError(`not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** 'YYYY-MM-DD' of a day number (years 0000 to 9999). */
export function isoFromDay(day: DayNumber): string {
  assertDay(day);
  const ymd = civilFromDays(day);
  const year = Math.floor(ymd / 10_000);
  if (year < 0 || year > 9999) throw new RangeError(`day ${day} is outside years 0000-9999`);
  return `${String(year).padStart(4, '0')}-${pad2(Math.floor(ymd / 100) % 100)}-${pad2(ymd % 100)}`;
}

/** Day of the week: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: DayNumber): number {
  // Day 0 (1970-01-01) was a Thursday.
  return (((day + 4) % 7) + 7) % 7;
}

/** The calendar year a day falls in. */
export function yearOf(day: DayNumber): number {
  return Math.floor(civilFromDays(day) / 10_000);
}

/** The day number of 1 January of `year`. */
export function firstDayOfYear(year: number): DayNumber {
  return daysFromCivil(year, 1, 1);
}

/** 00:00 local time of a day as an ISO 8601 instant, e.g. '2026-03-05T00:00:00+08:00'. */
export function startOfLocalDayIso(day: DayNumber): string {
  return `${isoFromDay(day)}T00:00:00+08:00`;
}

import { dayFromIso, isIsoDate, weekdayOf, yearOf } from './local-date.ts';
import type { CalendarYear } from './work-calendar.ts';

/** A calendar year that breaks a rule; `field` names the bad part, e.g. 'holidays[3]'. */
export class CalendarValidationError extends Error {
  /** Path of the offending field: 'year', 'holidays', 'workdays[2]', '$' for the whole document. */
  readonly field: string;
  /** What is wrong with it. */
  readonly detail: string;
  /** The file it came from, when loaded from disk. */
  readonly file: string | undefined;

  /** The field as a JSON pointer (`workdays[2]` → `/workdays/2`). */
  get pointer(): string {
    return `/${this.field.replace(/\[(\d+)\]/g, '/$1')}`;
  }

  constructor(field: string, detail: string, file?: string) {
    super(`${file === undefined ? '' : `${file}: `}${field} ${detail}`);
    this.name = 'CalendarValidationError';
    this.field = field;
    this.detail = detail;
    this.file = file;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkDates(value: unknown, field: 'holidays' | 'workdays', year: number): string[] {
  if (!Array.isArray(value)) throw new CalendarValidationError(field, 'must be an array of YYYY-MM-DD dates');
  const dates = new Set<string>();
  value.forEach((date: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof date !== 'string' || !isIsoDate(date)) {
      throw new CalendarValidationError(at, `is not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`);
    }
    const day = dayFromIso(date);
    if (yearOf(day) !== year) throw new CalendarValidationError(at, `${date} is not in ${year}`);
    // An adjusted working day (调休上班) is by definition a weekend day; anything else is a typo.
    if (field === 'workdays' && weekdayOf(day) !== 0 && weekdayOf(day) !== 6) {
      throw new CalendarValidationError(at, `${date} is a weekday; adjusted working days are Saturdays or Sundays`);
    }
    dates.add(date);
  });
  // ISO dates sort correctly as strings.
  return [...dates].sort();
}

/**
 * Checks one year of the working-day calendar (a `CN-YYYY.json` file or an API body) and returns
 * it normalised: holidays and workdays deduplicated and sorted.
 *
 * Rules: `year`, when present, equals `year`; every date is a real 'YYYY-MM-DD' date in that year;
 * workdays are Saturdays or Sundays; no date is both a holiday and a workday; `region` and
 * `source`, when present, are strings.
 *
 * @throws CalendarValidationError naming the first bad field.
 */
export function validateCalendarYear(input: unknown, year: number): CalendarYear {
  if (!Number.isSafeInteger(year) || year < 1 || year > 9999) {
    throw new CalendarValidationError('year', `must be a year between 1 and 9999, got ${year}`);
  }
  if (!isRecord(input)) throw new CalendarValidationError('$', 'must be a JSON object');
  if (input.year !== undefined && input.year !== year) {
    throw new CalendarValidationError('year', `is ${JSON.stringify(input.year)}, expected ${year}`);
  }
  for (const key of ['region', 'source'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'string') {
      throw new CalendarValidationError(key, 'must be a string');
    }
  }
  const holidays = checkDates(input.holidays, 'holidays', year);
  const workdays = checkDates(input.workdays, 'workdays', year);
  const holidaySet = new Set(holidays);
  // Report the clash at its index in the input, which is what the author of the file sees.
  const rawWorkdays = input.workdays as unknown[];
  const clash = rawWorkdays.findIndex((date) => holidaySet.has(date as string));
  if (clash >= 0) {
    throw new CalendarValidationError(`workdays[${clash}]`, `${String(rawWorkdays[clash])} is also listed as a holiday`);
  }
  const result: CalendarYear = { year, holidays, workdays };
  if (typeof input.region === 'string') result.region = input.region;
  if (typeof input.source === 'string') result.source = input.source;
  return result;
}

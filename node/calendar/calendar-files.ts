import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CalendarValidationError, validateCalendarYear } from './calendar-year.ts';
import type { CalendarYear } from './work-calendar.ts';

/** Name of a national calendar file: `CN-2025.json`. */
export const CALENDAR_FILE_PATTERN = /^CN-(\d{4})\.json$/;

/**
 * Reads every `CN-YYYY.json` in `dir` (other files are ignored), validates each against the year in
 * its name, and returns them sorted by year.
 *
 * @throws CalendarValidationError (with `file` set) for a file that is not valid JSON or breaks a
 *   rule of {@link validateCalendarYear}, or whose `region` is not 'CN'; the fs error when `dir`
 *   cannot be read.
 */
export async function loadCalendarFiles(dir: string | URL): Promise<CalendarYear[]> {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const names = (await readdir(path)).filter((name) => CALENDAR_FILE_PATTERN.test(name)).sort();
  const years: CalendarYear[] = [];
  for (const name of names) {
    const year = Number(CALENDAR_FILE_PATTERN.exec(name)?.[1]);
    const text = await readFile(join(path, name), 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CalendarValidationError('$', `is not valid JSON (${(error as Error).message})`, name);
    }
    try {
      const calendar = validateCalendarYear(parsed, year);
      if (calendar.region !== undefined && calendar.region !== 'CN') {
        throw new CalendarValidationError('region', `is ${JSON.stringify(calendar.region)}, expected "CN"`);
      }
      years.push(calendar);
    } catch (error) {
      if (error instanceof CalendarValidationError) {
        throw new CalendarValidationError(error.field, error.detail, name);
      }
      throw error;
    }
  }
  return years;
}

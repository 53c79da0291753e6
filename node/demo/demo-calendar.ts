/**
 * The working-day calendar the demo plans its cases on: the node's own {@link WorkCalendar} over the
 * official calendar files the nodes load (config/calendars, or the node setting CALENDAR_DIR), so
 * the simulated departments rest on the same holidays and work on the same 调休 days as the
 * calendar that judges them. Years without a file fall back to Monday-Friday, as in the node.
 */
import { loadCalendarFiles } from '../calendar/calendar-files.ts';
import { WorkCalendar } from '../calendar/work-calendar.ts';

/** The calendar files shipped with the node. */
export const SHIPPED_CALENDAR_DIR = new URL('../../config/calendars/', import.meta.url);

/** Reads every `CN-YYYY.json` of `dir` into a calendar. */
export async function loadWorkCalendar(dir: string | URL = SHIPPED_CALENDAR_DIR): Promise<WorkCalendar> {
  return new WorkCalendar(await loadCalendarFiles(dir));
}

/**
 * The calendar and time-limit policy a node judges cases by, held in memory and reloaded from the
 * database whenever they change. Shipped calendar files seed years the database does not have yet;
 * a year edited through the API is never overwritten by a file.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CalendarYearRecord } from '../calendar/calendar-year.entity.ts';
import { loadCalendarFiles } from '../calendar/calendar-files.ts';
import { WorkCalendar, type CalendarYear } from '../calendar/work-calendar.ts';
import { TimePolicyRecord } from './time-policy.entity.ts';
import { DEFAULT_TIME_POLICY, type TimePolicy } from './policy.ts';
import { query } from '../core/db.ts';

export const TIME_POLICY_KEY = 'time';

export interface TimeRulesSnapshot {
  calendar: WorkCalendar;
  policy: TimePolicy;
  /** Where each year came from, for the calendar GET answers. */
  calendarSources: Map<number, string | null>;
}

export class TimeRules {
  #snapshot: TimeRulesSnapshot = {
    calendar: new WorkCalendar([]), policy: { ...DEFAULT_TIME_POLICY }, calendarSources: new Map(),
  };

  /** The rules in force now. */
  get current(): TimeRulesSnapshot {
    return this.#snapshot;
  }

  /** Inserts shipped calendar years that the database lacks. */
  async seedCalendars(em: EntityManager, dir: string): Promise<number[]> {
    const shipped = await loadCalendarFiles(dir);
    const known = new Set((await em.find(CalendarYearRecord, {}, { fields: ['year'] })).map((row) => row.year));
    const added: number[] = [];
    for (const year of shipped) {
      if (known.has(year.year)) continue;
      em.create(CalendarYearRecord, { year: year.year, holidays: year.holidays, workdays: year.workdays, source: `config/calendars/CN-${year.year}.json` });
      added.push(year.year);
    }
    await em.flush();
    return added;
  }

  /** Reads calendar years and the policy from the database into memory. */
  async reload(em: EntityManager): Promise<TimeRulesSnapshot> {
    return this.install(await this.load(em));
  }

  /** Puts `snapshot` in force (a rule change installs it before its commit; see lockRulesExclusive). */
  install(snapshot: TimeRulesSnapshot): TimeRulesSnapshot {
    this.#snapshot = snapshot;
    return snapshot;
  }

  /** Reads calendar years and the policy without putting them in force. */
  async load(em: EntityManager): Promise<TimeRulesSnapshot> {
    const rows = await em.find(CalendarYearRecord, {}, { orderBy: { year: 'asc' } });
    const years: CalendarYear[] = rows.map((row) => ({ year: row.year, holidays: row.holidays, workdays: row.workdays }));
    const policyRow = await em.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
    const policy: TimePolicy = policyRow
      ? {
        yellowAtRemainingDays: policyRow.yellowAtRemainingDays, yellowCardOverdueDays: policyRow.yellowCardOverdueDays, redCardOverdueDays: policyRow.redCardOverdueDays,
        reportByTime: policyRow.reportByTime, nonWorkingDayReportByTime: policyRow.nonWorkingDayReportByTime,
        noticeDueWorkingDays: policyRow.noticeDueWorkingDays, appealWorkingDays: policyRow.appealWorkingDays,
      }
      : { ...DEFAULT_TIME_POLICY };
    return { calendar: new WorkCalendar(years), policy, calendarSources: new Map(rows.map((row) => [row.year, row.source ?? null])) };
  }
}

// Ingestion holds this lock shared for its transaction; a rule change holds it exclusively while it
// recomputes, so no batch folds cases under rules that are being replaced.
const RULES_LOCK_SQL = "hashtext('supervision.time-rules')";

/** Taken by every transaction that computes timelines under the rules in force. */
export async function lockRulesShared(em: EntityManager): Promise<void> {
  await query(em, `SELECT pg_advisory_xact_lock_shared(${RULES_LOCK_SQL})`);
}

/** Taken by a transaction that changes the rules. */
export async function lockRulesExclusive(em: EntityManager): Promise<void> {
  await query(em, `SELECT pg_advisory_xact_lock(${RULES_LOCK_SQL})`);
}

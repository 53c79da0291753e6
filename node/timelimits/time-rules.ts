/**
 * The calendar and time-limit policy a node judges cases by, held in memory and reloaded from the
 * database whenever they change. Shipped calendar files seed years the database does not have yet;
 * a year edited through the API is never overwritten by a file.
 *
 * Several processes may serve one node: every change bumps `rules_version` in its transaction, and
 * a process compares that row with the version it holds before it judges (each request, through
 * `refresh`, and each transaction that computes timelines, through `lockRulesShared`), so a change
 * committed through one process is in force in all of them from the next request on.
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
  /** The `rules_version` these were read at (0: nothing read yet). */
  version: number;
}

/** The version of the rules committed in the database (seen by `em`'s transaction, if any). */
export async function rulesVersion(em: EntityManager): Promise<number> {
  const [row] = await query<{ version: string }>(em, 'SELECT version FROM rules_version');
  return Number(row?.version ?? 0);
}

/** Bumps the version in a rule change's transaction: the other processes reload once it commits. */
export async function bumpRulesVersion(em: EntityManager): Promise<void> {
  await query(em, 'UPDATE rules_version SET version = version + 1');
}

export class TimeRules {
  #snapshot: TimeRulesSnapshot = {
    calendar: new WorkCalendar([]), policy: { ...DEFAULT_TIME_POLICY }, calendarSources: new Map(), version: 0,
  };

  /** The rules in force now. */
  get current(): TimeRulesSnapshot {
    return this.#snapshot;
  }

  /**
   * Inserts shipped calendar years that the database lacks, as a rule change (exclusive lock,
   * version bumped), so processes starting together insert each year once and the running ones
   * reload.
   */
  async seedCalendars(em: EntityManager, dir: string): Promise<number[]> {
    const shipped = await loadCalendarFiles(dir);
    return em.transactional(async (tx) => {
      await lockRulesExclusive(tx);
      const known = new Set((await tx.find(CalendarYearRecord, {}, { fields: ['year'] })).map((row) => row.year));
      const added: number[] = [];
      for (const year of shipped) {
        if (known.has(year.year)) continue;
        tx.create(CalendarYearRecord, { year: year.year, holidays: year.holidays, workdays: year.workdays, source: `config/calendars/CN-${year.year}.json` });
        added.push(year.year);
      }
      if (added.length > 0) await bumpRulesVersion(tx);
      await tx.flush();
      return added;
    });
  }

  /** Reads calendar years and the policy from the database into memory. */
  async reload(em: EntityManager): Promise<TimeRulesSnapshot> {
    return this.install(await this.load(em));
  }

  /**
   * Puts `snapshot` in force unless what is in force is newer (two reloads finishing out of order):
   * the version in force only grows. Answers what is in force.
   */
  install(snapshot: TimeRulesSnapshot): TimeRulesSnapshot {
    if (snapshot.version >= this.#snapshot.version) this.#snapshot = snapshot;
    return this.#snapshot;
  }

  /** Puts back the rules a change replaced at its commit, when that commit failed (the only step back). */
  restore(snapshot: TimeRulesSnapshot): TimeRulesSnapshot {
    this.#snapshot = snapshot;
    return this.#snapshot;
  }

  /**
   * Reloads when the database holds a newer version than this process (another process changed the
   * rules); answers the rules in force. One small read when nothing changed.
   */
  async refresh(em: EntityManager): Promise<TimeRulesSnapshot> {
    if (await rulesVersion(em) > this.#snapshot.version) return this.reload(em);
    return this.#snapshot;
  }

  /** Reads calendar years and the policy without putting them in force. */
  async load(em: EntityManager): Promise<TimeRulesSnapshot> {
    const version = await rulesVersion(em);
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
    return { calendar: new WorkCalendar(years), policy, calendarSources: new Map(rows.map((row) => [row.year, row.source ?? null])), version };
  }
}

// Ingestion holds this lock shared for its transaction; a rule change holds it exclusively while it
// recomputes, so no batch folds cases under rules that are being replaced.
const RULES_LOCK_SQL = "hashtext('supervision.time-rules')";

/**
 * Taken by every transaction that computes timelines under the rules in force; once it holds the
 * lock no change can commit until it ends, so it brings `rules` up to the committed version (a
 * change through another process, or one that just committed here) before it computes.
 */
export async function lockRulesShared(em: EntityManager, rules: TimeRules): Promise<TimeRulesSnapshot> {
  await query(em, `SELECT pg_advisory_xact_lock_shared(${RULES_LOCK_SQL})`);
  return rules.refresh(em);
}

/** Taken by a transaction that changes the rules. */
export async function lockRulesExclusive(em: EntityManager): Promise<void> {
  await query(em, `SELECT pg_advisory_xact_lock(${RULES_LOCK_SQL})`);
}

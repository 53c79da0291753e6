import { validateCalendarYear } from './calendar-year.ts';
import { dayFromIso, firstDayOfYear, weekdayOf, yearOf, type DayNumber } from './local-date.ts';

/** One year of the official calendar: public holidays and adjusted working weekend days (调休上班). */
export interface CalendarYear {
  year: number;
  /** Every holiday date, 'YYYY-MM-DD', sorted. */
  holidays: string[];
  /** Weekend dates that are working days, 'YYYY-MM-DD', sorted. */
  workdays: string[];
  /** 'CN' for the national calendar. */
  region?: string;
  /** The notice the dates come from, e.g. 国务院办公厅 …（国办发明电〔2024〕12号）. */
  source?: string;
}

// Monday-Friday days among the first r days counted from day 0, a Thursday (r = 0..6).
const MON_FRI_IN_FIRST = [0, 1, 2, 2, 2, 3, 4] as const;

/** Monday-Friday days D with 0 <= D < d (negative for d < 0): the fallback rule in closed form. */
function monFriBefore(d: DayNumber): number {
  const weeks = Math.floor(d / 7);
  return 5 * weeks + MON_FRI_IN_FIRST[(d - 7 * weeks) as 0 | 1 | 2 | 3 | 4 | 5 | 6];
}

function isMonFri(day: DayNumber): boolean {
  const w = weekdayOf(day);
  return w !== 0 && w !== 6;
}

/**
 * The working-day calendar (the time rules (README, 时限规则)): a date is a working day when it is Monday to
 * Friday and not a holiday, or an adjusted working weekend day. A year without a calendar falls
 * back to plain Monday-Friday; {@link WorkCalendar.fallbackYears} tells which years did.
 *
 * Built once and queried millions of times in a batch, so the span from the first to the last
 * calendar year is precomputed as a working-day bitmap with prefix sums: counting is O(1) and
 * finding the n-th working day is a short binary search, all without allocating. Outside that
 * span the Monday-Friday rule is computed in closed form.
 */
export class WorkCalendar {
  readonly #years: readonly number[];
  readonly #yearSet: ReadonlySet<number>;
  /** First day of the precomputed span (1 January of the first calendar year). */
  readonly #lo: DayNumber;
  /** Day after the span (1 January after the last calendar year). */
  readonly #hi: DayNumber;
  /** 1 for a working day, per day of the span. */
  readonly #working: Uint8Array;
  /** #prefix[i] = working days in [#lo, #lo + i). */
  readonly #prefix: Int32Array;
  readonly #beforeLo: number;
  readonly #beforeHi: number;

  /**
   * @param years calendar years, each checked with {@link validateCalendarYear}.
   * @throws RangeError when a year is given twice; CalendarValidationError for a bad year.
   */
  constructor(years: readonly CalendarYear[]) {
    const checked = years.map((y) => validateCalendarYear(y, y.year)).sort((a, b) => a.year - b.year);
    for (let i = 1; i < checked.length; i++) {
      if (checked[i]!.year === checked[i - 1]!.year) throw new RangeError(`calendar year ${checked[i]!.year} given twice`);
    }
    this.#years = Object.freeze(checked.map((y) => y.year));
    this.#yearSet = new Set(this.#years);
    const first = checked[0];
    const last = checked[checked.length - 1];
    this.#lo = first === undefined ? 0 : firstDayOfYear(first.year);
    this.#hi = last === undefined ? 0 : firstDayOfYear(last.year + 1);

    const span = this.#hi - this.#lo;
    this.#working = new Uint8Array(span);
    for (let i = 0; i < span; i++) this.#working[i] = isMonFri(this.#lo + i) ? 1 : 0;
    for (const y of checked) {
      for (const date of y.holidays) this.#working[dayFromIso(date) - this.#lo] = 0;
      for (const date of y.workdays) this.#working[dayFromIso(date) - this.#lo] = 1;
    }
    this.#prefix = new Int32Array(span + 1);
    for (let i = 0; i < span; i++) this.#prefix[i + 1] = this.#prefix[i]! + this.#working[i]!;
    this.#beforeLo = monFriBefore(this.#lo);
    this.#beforeHi = this.#beforeLo + this.#prefix[span]!;
  }

  /** Working days D < d, relative to day 0: differences of this count working days. */
  #before(d: DayNumber): number {
    if (d <= this.#lo) return monFriBefore(d);
    if (d <= this.#hi) return this.#beforeLo + this.#prefix[d - this.#lo]!;
    return this.#beforeHi + monFriBefore(d) - monFriBefore(this.#hi);
  }

  /** Whether `day` is a working day (Monday-Friday when its year has no calendar). */
  isWorkingDay(day: DayNumber): boolean {
    if (day >= this.#lo && day < this.#hi) return this.#working[day - this.#lo] === 1;
    return isMonFri(day);
  }

  /** Whether an official calendar is loaded for `year`. */
  hasYear(year: number): boolean {
    return this.#yearSet.has(year);
  }

  /** The years with a calendar, ascending. */
  years(): number[] {
    return [...this.#years];
  }

  /**
   * Years from the year of `fromDay` to the year of `toDay` (inclusive) that have no calendar and so
   * were computed with the Monday-Friday fallback. Empty when `toDay` < `fromDay`.
   */
  fallbackYears(fromDay: DayNumber, toDay: DayNumber): number[] {
    const missing: number[] = [];
    if (toDay < fromDay) return missing;
    const end = yearOf(toDay);
    for (let y = yearOf(fromDay); y <= end; y++) if (!this.#yearSet.has(y)) missing.push(y);
    return missing;
  }

  /** Working days D with fromExclusive < D <= toInclusive (0 when the range is empty). */
  countWorkingDays(fromExclusive: DayNumber, toInclusive: DayNumber): number {
    if (toInclusive <= fromExclusive) return 0;
    return this.#before(toInclusive + 1) - this.#before(fromExclusive + 1);
  }

  /**
   * The n-th working day D > day (n = 1: the next working day). n = 0 gives `day` itself, which is
   * what an immediate item (即办件, limit 0) needs.
   *
   * @throws RangeError when n is not a non-negative integer.
   */
  nthWorkingDayAfter(day: DayNumber, n: number): DayNumber {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    if (n === 0) return day;
    // Smallest x with #before(x) >= target; the answer is x - 1. Invariant: before(lo) < target <= before(hi).
    const target = this.#before(day + 1) + n;
    let lo = day + 1;
    let step = 2 * n + 16;
    let hi = lo + step;
    while (this.#before(hi) < target) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.#before(mid) >= target) hi = mid;
      else lo = mid;
    }
    return hi - 1;
  }
}

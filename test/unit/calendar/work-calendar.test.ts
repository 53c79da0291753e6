import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CalendarValidationError } from '../../../node/calendar/calendar-year.ts';
import { dayFromIso, isoFromDay, type DayNumber } from '../../../node/calendar/local-date.ts';
import { WorkCalendar, type CalendarYear } from '../../../node/calendar/work-calendar.ts';
import { CALENDAR as calendar } from '../timelimits/fixtures.ts';

const d = (date: string): DayNumber => dayFromIso(date);
const nth = (cal: WorkCalendar, from: string, n: number): string => isoFromDay(cal.nthWorkingDayAfter(d(from), n));

/** The raw files, read independently of the loader, as the reference. */
function rawYear(year: number): { holidays: string[]; workdays: string[] } {
  return JSON.parse(readFileSync(new URL(`../../../config/calendars/CN-${year}.json`, import.meta.url), 'utf8')) as {
    holidays: string[];
    workdays: string[];
  };
}

describe('calendar/WorkCalendar', () => {
  describe('isWorkingDay', () => {
    it('follows the 2025 Spring Festival and National Day arrangements', () => {
      const expected: [string, boolean][] = [
        ['2025-01-24', true], // Friday
        ['2025-01-25', false], // Saturday
        ['2025-01-26', true], // Sunday, adjusted working day
        ['2025-01-27', true], // Monday
        ['2025-01-28', false], // Tuesday, Spring Festival holiday starts
        ['2025-02-04', false], // Tuesday, last holiday
        ['2025-02-05', true],
        ['2025-02-08', true], // Saturday, adjusted working day
        ['2025-02-09', false], // Sunday
        ['2025-09-28', true], // Sunday, adjusted working day
        ['2025-10-01', false],
        ['2025-10-08', false], // Wednesday, last National Day holiday
        ['2025-10-09', true],
        ['2025-10-11', true], // Saturday, adjusted working day
        ['2025-10-12', false],
      ];
      for (const [date, working] of expected) expect(calendar.isWorkingDay(d(date)), date).to.equal(working);
    });

    it('follows the 2026 arrangements', () => {
      const expected: [string, boolean][] = [
        ['2026-01-01', false], // Thursday
        ['2026-01-02', false], // Friday
        ['2026-01-04', true], // Sunday, adjusted working day
        ['2026-02-13', true], // Friday
        ['2026-02-14', true], // Saturday, adjusted working day
        ['2026-02-15', false],
        ['2026-02-23', false], // Monday, last Spring Festival holiday
        ['2026-02-24', true],
        ['2026-02-28', true], // Saturday, adjusted working day
        ['2026-10-07', false],
        ['2026-10-10', true], // Saturday, adjusted working day
      ];
      for (const [date, working] of expected) expect(calendar.isWorkingDay(d(date)), date).to.equal(working);
    });

    it('falls back to Monday-Friday for a year without a calendar', () => {
      expect(calendar.isWorkingDay(d('2027-01-01'))).to.equal(true); // Friday: no holiday known yet
      expect(calendar.isWorkingDay(d('2027-01-02'))).to.equal(false); // Saturday
      expect(calendar.isWorkingDay(d('2023-01-02'))).to.equal(true); // Monday
      expect(calendar.isWorkingDay(d('1969-12-31'))).to.equal(true); // Wednesday, negative day number
      expect(calendar.isWorkingDay(d('1969-12-28'))).to.equal(false); // Sunday
    });

    it('matches the raw files for every day of 2024-2026', () => {
      for (const year of [2024, 2025, 2026]) {
        const raw = rawYear(year);
        const holidays = new Set(raw.holidays);
        const workdays = new Set(raw.workdays);
        for (let day = d(`${year}-01-01`); day <= d(`${year}-12-31`); day++) {
          const date = isoFromDay(day);
          const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
          const expected = workdays.has(date) || (weekday !== 0 && weekday !== 6 && !holidays.has(date));
          expect(calendar.isWorkingDay(day), date).to.equal(expected);
        }
      }
    });
  });

  describe('years / hasYear / fallbackYears', () => {
    it('lists the loaded years', () => {
      expect(calendar.years()).to.deep.equal([2024, 2025, 2026]);
      expect(calendar.hasYear(2025)).to.equal(true);
      expect(calendar.hasYear(2027)).to.equal(false);
    });

    it('reports the years of a range that had to fall back to Monday-Friday', () => {
      expect(calendar.fallbackYears(d('2026-12-28'), d('2027-01-04'))).to.deep.equal([2027]);
      expect(calendar.fallbackYears(d('2025-01-01'), d('2026-12-31'))).to.deep.equal([]);
      expect(calendar.fallbackYears(d('2023-06-01'), d('2028-01-01'))).to.deep.equal([2023, 2027, 2028]);
      expect(calendar.fallbackYears(d('2027-01-04'), d('2026-12-28'))).to.deep.equal([]);
    });
  });

  describe('countWorkingDays', () => {
    it('counts working days D with from < D <= to', () => {
      // 01-26 (Sun, working), 01-27, then 02-05, 02-06, 02-07 after the Spring Festival.
      expect(calendar.countWorkingDays(d('2025-01-24'), d('2025-02-07'))).to.equal(5);
      // 02-08 (Sat, working), 02-10, 02-11, 02-12, 02-13.
      expect(calendar.countWorkingDays(d('2025-02-07'), d('2025-02-13'))).to.equal(5);
      // Only the Spring Festival holidays: nothing.
      expect(calendar.countWorkingDays(d('2025-01-27'), d('2025-02-04'))).to.equal(0);
      expect(calendar.countWorkingDays(d('2025-02-07'), d('2025-02-07'))).to.equal(0);
      expect(calendar.countWorkingDays(d('2025-02-07'), d('2025-02-01'))).to.equal(0);
    });

    it('counts 248 working days in 2025 and in 2026, 261 in the fallback 2027', () => {
      // 2025: 261 weekdays - 18 weekday holidays + 5 adjusted working days.
      expect(calendar.countWorkingDays(d('2024-12-31'), d('2025-12-31'))).to.equal(248);
      // 2026: 261 weekdays - 19 weekday holidays + 6 adjusted working days.
      expect(calendar.countWorkingDays(d('2025-12-31'), d('2026-12-31'))).to.equal(248);
      expect(calendar.countWorkingDays(d('2026-12-31'), d('2027-12-31'))).to.equal(261);
    });

    it('spans a year without a calendar', () => {
      // 2026-12-29, 12-30, 12-31, then 2027-01-01 (Friday, fallback) and 01-04.
      expect(calendar.countWorkingDays(d('2026-12-28'), d('2027-01-04'))).to.equal(5);
    });
  });

  describe('nthWorkingDayAfter', () => {
    it('skips holidays and uses adjusted working days', () => {
      expect(nth(calendar, '2025-01-24', 1)).to.equal('2025-01-26'); // the working Sunday
      expect(nth(calendar, '2025-01-24', 3)).to.equal('2025-02-05'); // over the Spring Festival
      expect(nth(calendar, '2025-01-24', 5)).to.equal('2025-02-07');
      expect(nth(calendar, '2025-09-26', 5)).to.equal('2025-10-10'); // 09-28, 09-29, 09-30, 10-09, 10-10
      expect(nth(calendar, '2025-10-03', 1)).to.equal('2025-10-09'); // from inside a holiday
      expect(nth(calendar, '2026-02-13', 1)).to.equal('2026-02-14'); // the working Saturday
      expect(nth(calendar, '2026-02-13', 2)).to.equal('2026-02-24');
      expect(nth(calendar, '2025-12-31', 1)).to.equal('2026-01-04'); // 01-01..03 off, Sunday 01-04 working
    });

    it('crosses into a year without a calendar (Monday-Friday)', () => {
      expect(nth(calendar, '2026-12-28', 5)).to.equal('2027-01-04');
      expect(nth(calendar, '2026-12-31', 1)).to.equal('2027-01-01');
      expect(nth(calendar, '2026-12-31', 261)).to.equal('2027-12-31');
    });

    it('gives the day itself for n = 0 and rejects negative or fractional n', () => {
      expect(nth(calendar, '2025-02-01', 0)).to.equal('2025-02-01');
      expect(() => calendar.nthWorkingDayAfter(d('2025-02-01'), -1)).to.throw(RangeError);
      expect(() => calendar.nthWorkingDayAfter(d('2025-02-01'), 1.5)).to.throw(RangeError);
    });

    it('agrees with a day-by-day walk from 2023 to 2028', () => {
      const walk = (from: DayNumber, n: number): DayNumber => {
        let day = from;
        for (let found = 0; found < n; ) if (calendar.isWorkingDay(++day)) found++;
        return day;
      };
      for (let from = d('2023-10-01'); from <= d('2027-03-31'); from += 3) {
        for (const n of [1, 2, 5, 9, 20, 60]) {
          const got = calendar.nthWorkingDayAfter(from, n);
          expect(got, `${isoFromDay(from)} + ${n}`).to.equal(walk(from, n));
          expect(calendar.countWorkingDays(from, got)).to.equal(n);
        }
      }
    });
  });

  describe('construction', () => {
    const y2024: CalendarYear = { year: 2024, holidays: ['2024-10-01'], workdays: [] };
    const y2026: CalendarYear = { year: 2026, holidays: ['2026-10-01'], workdays: ['2026-10-10'] };

    it('treats a gap year between two calendars as Monday-Friday', () => {
      const gap = new WorkCalendar([y2026, y2024]);
      expect(gap.years()).to.deep.equal([2024, 2026]);
      expect(gap.fallbackYears(d('2024-12-30'), d('2026-01-02'))).to.deep.equal([2025]);
      expect(gap.isWorkingDay(d('2025-01-28'))).to.equal(true); // a holiday only in the real 2025 file
      expect(gap.isWorkingDay(d('2025-01-26'))).to.equal(false);
      expect(gap.isWorkingDay(d('2026-10-10'))).to.equal(true);
      expect(gap.isWorkingDay(d('2026-10-01'))).to.equal(false);
      // 2024-09-30 (Mon), 10-02 (Wed): 10-01 is the only holiday in this reduced 2024.
      expect(isoFromDay(gap.nthWorkingDayAfter(d('2024-09-27'), 2))).to.equal('2024-10-02');
    });

    it('is plain Monday-Friday without any calendar', () => {
      const none = new WorkCalendar([]);
      expect(none.years()).to.deep.equal([]);
      expect(isoFromDay(none.nthWorkingDayAfter(d('1969-12-31'), 2))).to.equal('1970-01-02');
      expect(none.countWorkingDays(d('1969-12-26'), d('1970-01-05'))).to.equal(6); // 29, 30, 31, 1, 2, 5
      expect(none.fallbackYears(d('2025-01-01'), d('2025-12-31'))).to.deep.equal([2025]);
    });

    it('rejects a year given twice and invalid data', () => {
      expect(() => new WorkCalendar([y2024, y2024])).to.throw(RangeError, '2024');
      expect(() => new WorkCalendar([{ year: 2025, holidays: ['2025-02-30'], workdays: [] }])).to.throw(CalendarValidationError);
    });

    it('does not share state with the array it was given', () => {
      const years = [{ ...y2024, holidays: [...y2024.holidays] }];
      const cal = new WorkCalendar(years);
      years[0]!.holidays.push('2024-10-02');
      expect(cal.isWorkingDay(d('2024-10-02'))).to.equal(true);
      cal.years().push(1999);
      expect(cal.years()).to.deep.equal([2024]);
    });
  });
});

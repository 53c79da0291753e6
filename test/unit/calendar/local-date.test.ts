import { expect } from 'chai';
import {
  dayFromIso,
  firstDayOfYear,
  isIsoDate,
  isoFromDay,
  localDayOf,
  parseInstant,
  startOfLocalDayIso,
  weekdayOf,
  yearOf,
} from '../../../node/calendar/local-date.ts';

describe('calendar/local-date', () => {
  describe('dayFromIso / isoFromDay', () => {
    it('numbers days from 1970-01-01', () => {
      expect(dayFromIso('1970-01-01')).to.equal(0);
      expect(dayFromIso('1969-12-31')).to.equal(-1);
      // 55 years of 365 days plus 14 leap days (1972 … 2024).
      expect(dayFromIso('2025-01-01')).to.equal(20_089);
      // 2000-01-01 is day 10957; + 31 (January) + 29 (leap February).
      expect(dayFromIso('2000-03-01')).to.equal(11_017);
    });

    it('round-trips every day from 1990 to 2100', () => {
      const from = dayFromIso('1990-01-01');
      const to = dayFromIso('2100-12-31');
      for (let day = from; day <= to; day++) {
        const text = isoFromDay(day);
        expect(dayFromIso(text)).to.equal(day);
        // Cross-check with the engine's UTC calendar.
        if (day % 97 === 0) expect(text).to.equal(new Date(day * 86_400_000).toISOString().slice(0, 10));
      }
    });

    it('rejects impossible and badly written dates with a RangeError', () => {
      for (const bad of ['2025-02-30', '2025-02-29', '2100-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-2-3', '20250203', '2025-02-03T00:00:00Z', '']) {
        expect(() => dayFromIso(bad), bad).to.throw(RangeError);
        expect(isIsoDate(bad), bad).to.equal(false);
      }
      expect(isIsoDate('2024-02-29')).to.equal(true);
      expect(isIsoDate('2000-02-29')).to.equal(true);
    });

    it('rejects a non-integer day number', () => {
      expect(() => isoFromDay(1.5)).to.throw(RangeError);
      expect(() => isoFromDay(Number.NaN)).to.throw(RangeError);
    });
  });

  describe('weekdayOf / yearOf / firstDayOfYear', () => {
    it('gives the day of the week, 0 = Sunday', () => {
      expect(weekdayOf(dayFromIso('1970-01-01'))).to.equal(4); // Thursday
      expect(weekdayOf(dayFromIso('1969-12-28'))).to.equal(0); // Sunday, a negative day number
      expect(weekdayOf(dayFromIso('2025-01-01'))).to.equal(3); // Wednesday
      expect(weekdayOf(dayFromIso('2025-01-26'))).to.equal(0); // the adjusted working Sunday
      expect(weekdayOf(dayFromIso('2026-02-14'))).to.equal(6); // the adjusted working Saturday
    });

    it('gives the year across year ends and leap years', () => {
      expect(yearOf(dayFromIso('2024-12-31'))).to.equal(2024);
      expect(yearOf(dayFromIso('2025-01-01'))).to.equal(2025);
      expect(yearOf(dayFromIso('2025-12-31'))).to.equal(2025);
      expect(yearOf(dayFromIso('2026-01-01'))).to.equal(2026);
      expect(yearOf(dayFromIso('1969-12-31'))).to.equal(1969);
      expect(firstDayOfYear(2026)).to.equal(dayFromIso('2026-01-01'));
    });
  });

  describe('localDayOf', () => {
    it('takes the date in Asia/Shanghai (+08:00) whatever the offset written', () => {
      expect(isoFromDay(localDayOf('2026-02-13T20:00:00Z'))).to.equal('2026-02-14');
      expect(isoFromDay(localDayOf('2026-02-13T15:59:59.999Z'))).to.equal('2026-02-13');
      expect(isoFromDay(localDayOf('2026-02-13T16:00:00Z'))).to.equal('2026-02-14');
      // 23:30 at -05:00 is 04:30Z, 12:30 in Shanghai on New Year's Day.
      expect(isoFromDay(localDayOf('2025-12-31T23:30:00-05:00'))).to.equal('2026-01-01');
      // 00:30 at +09:00 is still 23:30 the evening before in Shanghai.
      expect(isoFromDay(localDayOf('2026-01-01T00:30:00+09:00'))).to.equal('2025-12-31');
      expect(isoFromDay(localDayOf('2026-03-05T00:00:00+08:00'))).to.equal('2026-03-05');
      expect(isoFromDay(localDayOf('2026-03-04T23:59:59+08:00'))).to.equal('2026-03-04');
    });

    it('accepts a Date', () => {
      expect(isoFromDay(localDayOf(new Date('2026-02-13T16:00:00Z')))).to.equal('2026-02-14');
      expect(() => localDayOf(new Date('nonsense'))).to.throw(RangeError);
    });

    it('rejects a date-time without an offset or with impossible fields', () => {
      for (const bad of ['2026-02-13T20:00:00', '2026-02-13', '2026-02-30T00:00:00Z', '2026-02-13T24:00:00Z', '2026-02-13T20:00:00+8:00', 'yesterday']) {
        expect(() => localDayOf(bad), bad).to.throw(RangeError);
      }
    });

    it('rejects an offset beyond ±15:59, which no zone has and PostgreSQL cannot read', () => {
      for (const bad of ['2026-03-02T10:00:00-23:59', '2026-03-02T10:00:00+16:00', '2026-03-02T10:00:00-16:00']) {
        expect(() => localDayOf(bad), bad).to.throw(RangeError);
      }
      expect(parseInstant('2026-03-02T10:00:00+15:59')).to.equal(Date.parse('2026-03-02T10:00:00+15:59'));
      expect(parseInstant('2026-03-02T10:00:00-15:59')).to.equal(Date.parse('2026-03-02T10:00:00-15:59'));
    });
  });

  describe('parseInstant', () => {
    it('agrees with Date.parse on valid RFC 3339 date-times', () => {
      for (const text of ['2025-01-24T10:00:00+08:00', '2025-12-31T23:30:00-05:00', '2026-02-13T20:00:00Z', '2026-02-13T20:00Z', '2024-02-29T12:34:56.789+05:30', '2025-06-01T00:00:00.5Z']) {
        expect(parseInstant(text), text).to.equal(Date.parse(text));
      }
      // More than millisecond precision is truncated, not rejected.
      expect(parseInstant('2025-01-01T00:00:00.123456789Z')).to.equal(Date.parse('2025-01-01T00:00:00.123Z'));
    });
  });

  it('startOfLocalDayIso writes 00:00 Shanghai time', () => {
    expect(startOfLocalDayIso(dayFromIso('2026-03-05'))).to.equal('2026-03-05T00:00:00+08:00');
    expect(Date.parse(startOfLocalDayIso(dayFromIso('2026-03-05')))).to.equal(Date.parse('2026-03-04T16:00:00Z'));
  });
});

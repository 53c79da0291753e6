import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCalendarFiles } from '../../../node/calendar/calendar-files.ts';
import { CalendarValidationError, validateCalendarYear } from '../../../node/calendar/calendar-year.ts';
import { CALENDAR_DIR } from '../timelimits/fixtures.ts';

/** Runs `fn` and returns the CalendarValidationError it throws. */
function failure(fn: () => unknown): CalendarValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(CalendarValidationError);
    return error as CalendarValidationError;
  }
  throw new Error('expected a CalendarValidationError');
}

describe('calendar/calendar-year', () => {
  describe('validateCalendarYear', () => {
    it('deduplicates and sorts, keeping region and source', () => {
      const year = validateCalendarYear(
        {
          year: 2025,
          region: 'CN',
          source: 'notice',
          holidays: ['2025-10-02', '2025-01-01', '2025-10-02'],
          workdays: ['2025-10-11', '2025-09-28'],
        },
        2025,
      );
      expect(year).to.deep.equal({
        year: 2025,
        region: 'CN',
        source: 'notice',
        holidays: ['2025-01-01', '2025-10-02'],
        workdays: ['2025-09-28', '2025-10-11'],
      });
    });

    it('accepts a body without year, region and source (the PUT /calendars/{year} form)', () => {
      expect(validateCalendarYear({ holidays: [], workdays: [] }, 2027)).to.deep.equal({ year: 2027, holidays: [], workdays: [] });
    });

    it('names the bad field', () => {
      const cases: [unknown, string][] = [
        [null, '$'],
        [[], '$'],
        [{ year: 2024, holidays: [], workdays: [] }, 'year'],
        [{ workdays: [] }, 'holidays'],
        [{ holidays: '2025-01-01', workdays: [] }, 'holidays'],
        [{ holidays: ['2025-01-01'] }, 'workdays'],
        [{ holidays: ['2025-01-01', '2025-02-30'], workdays: [] }, 'holidays[1]'],
        [{ holidays: ['2025-01-01', 20250102], workdays: [] }, 'holidays[1]'],
        [{ holidays: ['2024-12-31'], workdays: [] }, 'holidays[0]'], // not in 2025
        [{ holidays: [], workdays: ['2026-01-04'] }, 'workdays[0]'], // not in 2025
        [{ holidays: [], workdays: ['2025-01-26', '2025-01-27'] }, 'workdays[1]'], // a Monday
        [{ holidays: ['2025-02-01'], workdays: ['2025-01-26', '2025-02-01'] }, 'workdays[1]'], // both
        [{ region: 86, holidays: [], workdays: [] }, 'region'],
        [{ source: ['x'], holidays: [], workdays: [] }, 'source'],
      ];
      for (const [input, field] of cases) {
        expect(failure(() => validateCalendarYear(input, 2025)).field, JSON.stringify(input)).to.equal(field);
      }
    });

    it('puts the field in the message', () => {
      const error = failure(() => validateCalendarYear({ holidays: ['2025-02-30'], workdays: [] }, 2025));
      expect(error.message).to.equal('holidays[0] is not a valid YYYY-MM-DD date: "2025-02-30"');
      expect(error.name).to.equal('CalendarValidationError');
    });
  });

  describe('loadCalendarFiles', () => {
    let dir = '';
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'calendars-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads the shipped 2024, 2025 and 2026 calendars', async () => {
      const years = await loadCalendarFiles(CALENDAR_DIR);
      expect(years.map((y) => y.year)).to.deep.equal([2024, 2025, 2026]);
      const [y2024, y2025, y2026] = years;
      expect(y2024?.source).to.contain('国办发明电〔2023〕7号');
      expect(y2025?.source).to.contain('国办发明电〔2024〕12号');
      expect(y2026?.source).to.contain('国办发明电〔2025〕7号');
      expect(y2024?.holidays).to.have.length(28);
      expect(y2025?.holidays).to.have.length(28);
      expect(y2026?.holidays).to.have.length(33);
      expect(y2024?.workdays).to.deep.equal(['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12']);
      expect(y2025?.workdays).to.deep.equal(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
      expect(y2026?.workdays).to.deep.equal(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
      expect(y2025?.holidays.slice(0, 10)).to.deep.equal([
        '2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31',
        '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04', '2025-04-04',
      ]);
      expect(y2026?.holidays.filter((h) => h.startsWith('2026-02'))).to.deep.equal([
        '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
        '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
      ]);
    });

    it('reads only CN-YYYY.json files, sorted by year', async () => {
      await writeFile(join(dir, 'CN-2031.json'), JSON.stringify({ year: 2031, holidays: ['2031-01-01'], workdays: [] }));
      await writeFile(join(dir, 'CN-2030.json'), JSON.stringify({ holidays: [], workdays: [] }));
      await writeFile(join(dir, 'CN-2030.json.bak'), 'junk');
      await writeFile(join(dir, 'README.md'), '# calendars');
      const years = await loadCalendarFiles(dir);
      expect(years).to.deep.equal([
        { year: 2030, holidays: [], workdays: [] },
        { year: 2031, holidays: ['2031-01-01'], workdays: [] },
      ]);
    });

    it('names the file and the field of a bad calendar', async () => {
      await writeFile(join(dir, 'CN-2030.json'), JSON.stringify({ year: 2031, holidays: [], workdays: [] }));
      const error = await loadCalendarFiles(dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(CalendarValidationError);
      expect((error as CalendarValidationError).file).to.equal('CN-2030.json');
      expect((error as CalendarValidationError).field).to.equal('year');
      expect((error as CalendarValidationError).message).to.equal('CN-2030.json: year is 2031, expected 2030');
    });

    it('rejects invalid JSON and a region other than CN', async () => {
      await writeFile(join(dir, 'CN-2030.json'), '{"holidays": [');
      const notJson = await loadCalendarFiles(dir).catch((e: unknown) => e);
      expect((notJson as CalendarValidationError).field).to.equal('$');
      await writeFile(join(dir, 'CN-2030.json'), JSON.stringify({ region: 'HK', holidays: [], workdays: [] }));
      const region = await loadCalendarFiles(dir).catch((e: unknown) => e);
      expect((region as CalendarValidationError).field).to.equal('region');
    });
  });
});

/**
 * Calendars and the time-limit policy through the API: the Monday-Friday fallback for a year with no
 * calendar (and the health warning), loading that year, editing a loaded year, changing the policy,
 * and the recomputation each change triggers at once in single verdicts, lists and the board.
 *
 * The steps build on each other, in order. Cases (item W5: 5 working days, department D-C):
 *   CP-EARLY   accepted Monday 2026-03-02: 03-03 .. 03-09 = deadline; red card 03-13 (03-10..03-13).
 *   CP-PAUSED  accepted 2026-11-02, suspended 11-03, never resumed: deadline pending.
 *   CP-EDGE    accepted Monday 2026-12-21: 12-22, 23, 24, 25, 28 = deadline; cards from 12-29.
 *   CP-DONE    accepted Thursday 2026-12-24: 12-25, 28, 29, 30, 31 = deadline; concluded 2027-01-04.
 *   CP-SPAN    accepted Monday 2026-12-28: 12-29, 30, 31, then 2027.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import {
  accepted, caseNos, clock, concluded, listAll, postAccepted, q, redCard, setUpCatalog, suspended, verdictAt, yellowCard,
} from '../support/api-fixtures.ts';

const DEPT = 'D-C';
const CALENDAR_2027 = { holidays: ['2027-01-03', '2027-01-01', '2027-01-02'], workdays: ['2027-01-09'], source: '测试用 2027 年安排' };

describe('integration: calendars and policy', function () {
  let node: TestNode;
  const at = (caseNo: string, instant: string) => verdictAt(node, caseNo, instant);
  const board = async (instant: string) => {
    const answer = await node.api('GET', `/api/v1/board?at=${q(instant)}`);
    expect(answer.status).to.equal(200);
    expect(answer.body.departments).to.deep.equal([{ departmentCode: DEPT, ...answer.body.overall }]);
    return answer.body.overall;
  };
  const list = async (query: string, instant: string) => caseNos(await listAll(node, `at=${q(instant)}&${query}`));

  before(async () => {
    node = await startTestNode();
    node.setNow('2026-12-30T10:00:00+08:00');
    await setUpCatalog(node, { [DEPT]: '自然资源局' }, [{ itemCode: 'W5', departmentCode: DEPT, legalLimitDays: 10, promisedLimitDays: 5 }]);
    await postAccepted(node, [
      accepted('CP-EARLY', '2026-03-02T09:00:00+08:00', 'W5', DEPT),
      accepted('CP-PAUSED', '2026-11-02T09:00:00+08:00', 'W5', DEPT),
      suspended('CP-PAUSED', '2026-11-03T10:00:00+08:00', 'special', { kind: 'hearing' }),
      accepted('CP-EDGE', '2026-12-21T09:00:00+08:00', 'W5', DEPT),
      accepted('CP-DONE', '2026-12-24T09:00:00+08:00', 'W5', DEPT),
      concluded('CP-DONE', '2027-01-04T10:00:00+08:00'),
      accepted('CP-SPAN', '2026-12-28T09:00:00+08:00', 'W5', DEPT),
    ]);
  });

  after(async () => {
    await node?.close();
  });

  describe('a year with no calendar', () => {
    it('has none: the API says Monday-Friday applies', async () => {
      const missing = await node.api('GET', '/api/v1/calendars/2027');
      expect(missing.status).to.equal(404);
      expect(missing.body.error).to.deep.include({ code: 'NOT_FOUND', details: { year: 2027, fallback: 'Monday-Friday' } });
      const years = await node.api('GET', '/api/v1/calendars');
      expect(years.body.items.map((y: { year: number }) => y.year)).to.deep.equal([2024, 2025, 2026]);
      expect(years.body.items[2].source).to.equal('config/calendars/CN-2026.json');
    });

    it('is counted Monday to Friday: CP-SPAN is due Friday 2027-01-01 + 1 = Monday 01-04', async () => {
      // 12-29 (1), 12-30 (2), 12-31 (3), Friday 2027-01-01 (4, no calendar), Monday 01-04 (5).
      expect(clock(await at('CP-SPAN', '2026-12-31T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2027-01-04', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect((await at('CP-SPAN', '2027-01-04T10:00:00+08:00')).light).to.equal('yellow');
      expect(clock(await at('CP-SPAN', '2027-01-05T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2027-01-04', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2027-01-05')], onTime: null, early: null,
      });
      // CP-EDGE, due 12-28: overdue 12-29, 12-30, 12-31, 01-01 (red card), 01-04.
      const edge = await at('CP-EDGE', '2027-01-04T10:00:00+08:00');
      expect([edge.overdueDays, edge.cards]).to.deep.equal([5, [yellowCard('2026-12-29'), redCard('2027-01-01')]]);
      // CP-DONE, due 12-31, concluded 01-04: overdue 01-01 and 01-04.
      expect(clock(await at('CP-DONE', '2027-02-01T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2026-12-31', remainingDays: null, overdueDays: 2, light: null, cards: [yellowCard('2027-01-01')], onTime: false, early: false,
      });
    });

    it('shows in the lists and the board', async () => {
      expect(await list('light=red', '2027-01-05T10:00:00+08:00')).to.deep.equal(['CP-EARLY', 'CP-EDGE', 'CP-SPAN']);
      expect(await board('2027-01-05T10:00:00+08:00')).to.deep.equal({ open: 4, green: 0, yellow: 0, red: 3, paused: 1, yellowCards: 3, redCards: 2 });
    });

    it('makes /health warn while an open case reaches into it', async () => {
      const health = await node.api('GET', '/health', undefined, { authorization: '' });
      expect(health.status).to.equal(200);
      expect(health.body.status).to.equal('degraded');
      expect(health.body.calendar).to.deep.equal({ years: [2024, 2025, 2026], currentYear: 2026, missingYears: [2027] });
      expect(health.body.warnings).to.have.length(1);
      expect(health.body.warnings[0]).to.contain('2027').and.contain('Monday-Friday');
      // In 2027 itself the current year is the missing one.
      node.setNow('2027-01-05T10:00:00+08:00');
      try {
        const later = await node.api('GET', '/health');
        expect(later.body.calendar).to.deep.include({ currentYear: 2027, missingYears: [2027] });
      } finally {
        node.setNow('2026-12-30T10:00:00+08:00');
      }
    });
  });

  describe('calendar bodies', () => {
    it('are refused with the field named, and nothing changes', async () => {
      const cases: [string, unknown, string][] = [
        ['2027', { holidays: ['2027-02-30'], workdays: [] }, '/holidays/0'],
        ['2027', { holidays: ['2027-01-01', '2026-10-01'], workdays: [] }, '/holidays/1'],
        ['2027', { holidays: [], workdays: ['2027-02-03'] }, '/workdays/0'], // a Wednesday
        ['2027', { holidays: ['2027-02-06'], workdays: ['2027-02-07', '2027-02-06'] }, '/workdays/1'], // also a holiday
        ['2027', { holidays: ['2027-01-01', '2027-01-01'], workdays: [] }, '/holidays'],
        ['2027', { year: 2028, holidays: [], workdays: [] }, '/year'],
        ['2027', { holidays: [] }, '/workdays'],
        ['2027', { holidays: [], workdays: [], note: 'x' }, '/note'],
        ['2027', { holidays: '2027-01-01', workdays: [] }, '/holidays'],
      ];
      for (const [year, body, field] of cases) {
        const answer = await node.api('PUT', `/api/v1/calendars/${year}`, body);
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], JSON.stringify(body)).to.deep.equal([400, 'VALIDATION_FAILED', field]);
      }
      for (const year of ['1989', '2201', '27', 'abcd']) {
        const answer = await node.api('PUT', `/api/v1/calendars/${year}`, { holidays: [], workdays: [] });
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], year).to.deep.equal([400, 'INVALID_PARAMETER', 'year']);
      }
      expect((await node.api('GET', '/api/v1/calendars/2027')).status).to.equal(404);
      expect((await at('CP-SPAN', '2027-01-05T10:00:00+08:00')).deadline).to.equal('2027-01-04');
    });
  });

  describe('loading the missing year', () => {
    it('recomputes the cases it touches at once and says how many', async () => {
      const answer = await node.api('PUT', '/api/v1/calendars/2027', CALENDAR_2027);
      expect(answer.status).to.equal(201);
      // Checked: the cases whose timeline reaches 2027 (CP-SPAN, CP-EDGE, CP-DONE) and the paused one,
      // whose deadline is pending; CP-EARLY ends in March 2026. Changed: all but the paused one.
      expect(answer.body).to.deep.include({
        year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-01-09'], source: CALENDAR_2027.source,
        recomputed: { checked: 4, changed: 3 },
      });
      const again = await node.api('PUT', '/api/v1/calendars/2027', CALENDAR_2027);
      expect([again.status, again.body.recomputed]).to.deep.equal([200, { checked: 4, changed: 0 }]);
      const read = await node.api('GET', '/api/v1/calendars/2027');
      expect(read.body).to.deep.include({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-01-09'], source: CALENDAR_2027.source });
    });

    it('moves the verdicts', async () => {
      // CP-SPAN: 12-29, 12-30, 12-31, [01-01 holiday], 01-04 (4), 01-05 (5) = deadline. Overdue 01-06 (1),
      // 01-07, 01-08, Saturday 01-09 adjusted (4: red card).
      expect(clock(await at('CP-SPAN', '2026-12-31T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2027-01-05', remainingDays: 2, overdueDays: 0, light: 'green', cards: [], onTime: null, early: null,
      });
      expect(clock(await at('CP-SPAN', '2027-01-05T10:00:00+08:00'))).to.deep.equal({
        status: 'open', deadline: '2027-01-05', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
      });
      const span = await at('CP-SPAN', '2027-01-10T10:00:00+08:00');
      expect([span.overdueDays, span.cards]).to.deep.equal([4, [yellowCard('2027-01-06'), redCard('2027-01-09')]]);
      // CP-EDGE: overdue 12-29, 12-30, 12-31, 01-04 (red card).
      const edge = await at('CP-EDGE', '2027-01-04T10:00:00+08:00');
      expect([edge.overdueDays, edge.cards]).to.deep.equal([4, [yellowCard('2026-12-29'), redCard('2027-01-04')]]);
      // CP-DONE: overdue 01-04 only.
      const done = await at('CP-DONE', '2027-02-01T10:00:00+08:00');
      expect([done.overdueDays, done.cards, done.onTime]).to.deep.equal([1, [yellowCard('2027-01-04')], false]);
    });

    it('moves the lists and the board, which read the recomputed rows', async () => {
      expect(await list('light=red', '2027-01-05T10:00:00+08:00')).to.deep.equal(['CP-EARLY', 'CP-EDGE']);
      expect(await list('light=yellow', '2027-01-05T10:00:00+08:00')).to.deep.equal(['CP-SPAN']);
      expect(await board('2027-01-05T10:00:00+08:00')).to.deep.equal({ open: 4, green: 0, yellow: 1, red: 2, paused: 1, yellowCards: 2, redCards: 2 });
      const [listed] = await listAll(node, `at=${q('2027-01-10T10:00:00+08:00')}&itemCode=W5&light=red`).then((items) => items.filter((v) => v.caseNo === 'CP-SPAN'));
      expect(listed).to.deep.include({ deadline: '2027-01-05', overdueDays: 4, cards: [yellowCard('2027-01-06'), redCard('2027-01-09')] });
    });

    it('stops the health warning', async () => {
      const health = await node.api('GET', '/health');
      expect(health.body).to.deep.include({ status: 'ok', warnings: [] });
      expect(health.body.calendar).to.deep.equal({ years: [2024, 2025, 2026, 2027], currentYear: 2026, missingYears: [] });
    });
  });

  describe('editing a loaded year', () => {
    it('recomputes the cases of that year, and an undo restores them', async () => {
      const original = (await node.api('GET', '/api/v1/calendars/2026')).body;
      const edited = { holidays: [...original.holidays, '2026-03-06'], workdays: original.workdays, source: '临时调整' };
      const answer = await node.api('PUT', '/api/v1/calendars/2026', edited);
      // Every case's timeline touches 2026; only CP-EARLY has a counting day on 03-06.
      expect([answer.status, answer.body.recomputed]).to.deep.equal([200, { checked: 5, changed: 1 }]);
      // 03-03, 03-04, 03-05, [03-06], 03-09, 03-10.
      const moved = await at('CP-EARLY', '2026-03-06T10:00:00+08:00');
      expect([moved.deadline, moved.remainingDays, moved.light]).to.deep.equal(['2026-03-10', 2, 'green']);
      expect(await list('light=yellow', '2026-03-10T10:00:00+08:00')).to.deep.equal(['CP-EARLY']);

      const undo = await node.api('PUT', '/api/v1/calendars/2026', { holidays: original.holidays, workdays: original.workdays, source: original.source });
      expect([undo.status, undo.body.recomputed]).to.deep.equal([200, { checked: 5, changed: 1 }]);
      expect((await at('CP-EARLY', '2026-03-06T10:00:00+08:00')).deadline).to.equal('2026-03-09');
      expect(await list('light=yellow', '2026-03-09T10:00:00+08:00')).to.deep.equal(['CP-EARLY']);
    });
  });

  describe('the time-limit policy', () => {
    it('starts at the defaults', async () => {
      expect((await node.api('GET', '/api/v1/policy')).body).to.deep.equal({
        yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 4,
        reportByTime: '17:00', nonWorkingDayReportByTime: '17:00', noticeDueWorkingDays: 5, appealWorkingDays: 10, source: 'default', issuer: null, kid: null, signedAt: null, updatedAt: null,
      });
      // With the defaults on 2027-01-04: CP-SPAN (due 01-05) green with 1 day left; CP-EDGE red with both cards.
      expect(await board('2027-01-04T10:00:00+08:00')).to.deep.equal({ open: 4, green: 1, yellow: 0, red: 2, paused: 1, yellowCards: 2, redCards: 2 });
      expect((await at('CP-EARLY', '2026-03-05T10:00:00+08:00')).light).to.equal('green');
    });

    it('refuses an inconsistent or invalid policy and keeps the one in force', async () => {
      const cases: [unknown, number, string, string][] = [
        [{ yellowAtRemainingDays: 0, yellowCardOverdueDays: 3, redCardOverdueDays: 3 }, 422, 'POLICY_INVALID', 'redCardOverdueDays'],
        [{ yellowAtRemainingDays: 0, yellowCardOverdueDays: 0, redCardOverdueDays: 3 }, 400, 'VALIDATION_FAILED', '/yellowCardOverdueDays'],
        [{ yellowAtRemainingDays: -1, yellowCardOverdueDays: 1, redCardOverdueDays: 3 }, 400, 'VALIDATION_FAILED', '/yellowAtRemainingDays'],
        [{ yellowAtRemainingDays: 0, yellowCardOverdueDays: 1 }, 400, 'VALIDATION_FAILED', '/redCardOverdueDays'],
        [{ yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 4, extra: 1 }, 400, 'VALIDATION_FAILED', '/extra'],
      ];
      for (const [body, status, code, field] of cases) {
        const answer = await node.api('PUT', '/api/v1/policy', body);
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], JSON.stringify(body)).to.deep.equal([status, code, field]);
      }
      expect((await node.api('GET', '/api/v1/policy')).body.source).to.equal('default');
    });

    it('recomputes every timed case when changed, in verdicts, lists and the board', async () => {
      const answer = await node.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 3 });
      expect(answer.status).to.equal(200);
      // All five cases are checked; every one with a deadline changes, the paused one cannot.
      expect(answer.body).to.deep.include({ yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 3, source: 'node', recomputed: { checked: 5, changed: 4 } });
      expect((await node.api('GET', '/api/v1/policy')).body).to.deep.include({ yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 3, source: 'node', updatedAt: answer.body.updatedAt });

      // CP-SPAN turns yellow with 1 day left; CP-EDGE's cards move to overdue days 2 (12-30) and 3 (12-31).
      expect(await board('2027-01-04T10:00:00+08:00')).to.deep.equal({ open: 4, green: 0, yellow: 1, red: 2, paused: 1, yellowCards: 2, redCards: 2 });
      expect(await list('light=yellow', '2027-01-04T10:00:00+08:00')).to.deep.equal(['CP-SPAN']);
      expect((await at('CP-EDGE', '2027-01-04T10:00:00+08:00')).cards).to.deep.equal([yellowCard('2026-12-30'), redCard('2026-12-31')]);
      // CP-DONE was one working day late: no longer enough for a card.
      const done = await at('CP-DONE', '2027-02-01T10:00:00+08:00');
      expect([done.overdueDays, done.cards, done.onTime]).to.deep.equal([1, [], false]);
      // CP-EARLY on 03-05 has 03-06 and 03-09 left: yellow. Overdue 03-10, 03-11 (yellow card), 03-12 (red card).
      expect((await at('CP-EARLY', '2026-03-05T10:00:00+08:00')).light).to.equal('yellow');
      expect((await at('CP-EARLY', '2026-03-12T10:00:00+08:00')).cards).to.deep.equal([yellowCard('2026-03-11'), redCard('2026-03-12')]);
      expect(await list('light=yellow', '2026-03-05T10:00:00+08:00')).to.deep.equal(['CP-EARLY']);
    });

    it('goes back to the defaults the same way', async () => {
      const answer = await node.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 4 });
      expect(answer.body.recomputed).to.deep.equal({ checked: 5, changed: 4 });
      expect(await board('2027-01-04T10:00:00+08:00')).to.deep.equal({ open: 4, green: 1, yellow: 0, red: 2, paused: 1, yellowCards: 2, redCards: 2 });
      expect(await list('light=yellow', '2026-03-05T10:00:00+08:00')).to.deep.equal([]);
      expect((await at('CP-DONE', '2027-02-01T10:00:00+08:00')).cards).to.deep.equal([yellowCard('2027-01-04')]);
    });
  });
});

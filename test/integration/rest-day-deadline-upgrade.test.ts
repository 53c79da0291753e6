/**
 * Upgrading a node whose cases were judged by the old rule, which kept a calendar-day deadline on a
 * rest day: at start the node recomputes the calendar-day cases the new rule moves (民法典第二百零三条:
 * to the next working day), and the sweep revokes what the old rule raised wrongly, saying why.
 *
 * The old release's database is made with this code: while Saturday 2026-12-05 is a working day
 * the new rule keeps a deadline on it, so the cases accepted Wed 2026-11-25 with 10 calendar days
 * get exactly the dates and alerts the old rule gave them under the official calendar (deadline
 * Sat 12-05, red light Sun 12-06, yellow card Mon 12-07, red card Thu 12-10; with the node's
 * policy of yellow at 1 remaining day, yellow light Fri 12-04). Then, with the node stopped, the
 * official calendar goes back and the release's migration is undone, and the node starts again:
 * the upgrade.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { withClient } from '../support/test-database.ts';
import { accepted, caseNos, concluded, listAll, postAccepted, q, setUpCatalog, suspended, verdictAt } from '../support/api-fixtures.ts';
import { alertOf, liveRules, sweepAt } from '../support/alert-fixtures.ts';

const DEPT = 'MZ';
const EVENING = '2026-12-07T18:00:00+08:00';

interface CachedTimeline { deadline: string | null; yellow_from: string | null; yellow_card_on: string | null; red_card_on: string | null }

describe('integration: upgrading to calendar-day deadlines that move off rest days', function () {
  this.timeout(120_000);
  let first: TestNode;
  let second: TestNode | null = null;
  let liveBefore: Record<string, string[]>;

  const sql = async <Row>(node: TestNode, text: string, params: unknown[] = []): Promise<Row[]> =>
    withClient(node.database.url, async (client) => (await client.query(text, params)).rows as Row[]);
  const cached = async (node: TestNode, caseNo: string): Promise<CachedTimeline> =>
    (await sql<CachedTimeline>(node, `SELECT deadline::text, yellow_from::text, yellow_card_on::text, red_card_on::text FROM cases WHERE case_no = $1`, [caseNo]))[0]!;

  before(async () => {
    first = await startTestNode();
    await setUpCatalog(first, { [DEPT]: '民政局' }, [
      { itemCode: 'C10', departmentCode: DEPT, legalLimitDays: 30, promisedLimitDays: 10, limitUnit: 'calendarDay' },
      { itemCode: 'W5', departmentCode: DEPT, legalLimitDays: 20, promisedLimitDays: 5 },
    ]);
    // Yellow with 1 day left: a case paused before its deadline then shows what it showed before the pause.
    const policy = await first.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 1, yellowCardOverdueDays: 1, redCardOverdueDays: 4 });
    expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
    const official = (await first.api('GET', '/api/v1/calendars/2026')).body as { holidays: string[]; workdays: string[] };
    const saturdayWorking = await first.api('PUT', '/api/v1/calendars/2026', { holidays: official.holidays, workdays: [...official.workdays, '2026-12-05'].sort() });
    expect(saturdayWorking.status, JSON.stringify(saturdayWorking.body)).to.equal(200);

    // Controls the change does not touch: a calendar-day case due on a working day (Thu 11-12) and a working-day case.
    first.setNow('2026-11-02T10:05:00+08:00');
    await postAccepted(first, [accepted('UP-CAL', '2026-11-02T10:00:00+08:00', 'C10', DEPT), accepted('UP-WD', '2026-11-02T10:01:00+08:00', 'W5', DEPT)]);
    // Due on the Saturday under the old rule: one still open, one concluded on the Monday (late, then).
    first.setNow('2026-11-25T10:05:00+08:00');
    await postAccepted(first, [
      accepted('UP-SAT', '2026-11-25T10:00:00+08:00', 'C10', DEPT), accepted('UP-MON', '2026-11-25T10:01:00+08:00', 'C10', DEPT),
      accepted('UP-PAUSE', '2026-11-25T10:02:00+08:00', 'C10', DEPT),
    ]);
    // Paused on Fri 12-04 and still paused: yellow that day under the old rule (1 day left, the
    // Saturday); under the new one 3 were left (12-05, 12-06, 12-07), so it never was.
    first.setNow('2026-12-04T10:05:00+08:00');
    await postAccepted(first, [suspended('UP-PAUSE', '2026-12-04T10:00:00+08:00', 'supplement')]);
    first.setNow('2026-12-07T16:05:00+08:00');
    await postAccepted(first, [concluded('UP-MON', '2026-12-07T16:00:00+08:00')]);
    first.setNow(EVENING);
    await sweepAt(first, EVENING);
    liveBefore = {};
    for (const caseNo of ['UP-SAT', 'UP-MON', 'UP-PAUSE', 'UP-CAL', 'UP-WD']) liveBefore[caseNo] = await liveRules(first, caseNo);
    expect(liveBefore['UP-SAT']).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    expect(liveBefore['UP-MON']).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    expect(liveBefore['UP-PAUSE']).to.deep.equal(['TIME_YELLOW_LIGHT']);

    await first.node.close();
    // The old release's database: the official calendar, and the release's migration not applied.
    await sql(first, `UPDATE calendar_years SET workdays = $1::jsonb WHERE year = 2026`, [JSON.stringify(official.workdays)]);
    await sql(first, 'DROP TABLE IF EXISTS timeline_upgrades');
    await sql(first, `DELETE FROM mikro_orm_migrations WHERE name LIKE 'Migration20261206220100_rest_day_deadlines%'`);
    expect(await cached(first, 'UP-SAT')).to.deep.equal({ deadline: '2026-12-05', yellow_from: '2026-12-04', yellow_card_on: '2026-12-07', red_card_on: '2026-12-10' });

    // A web process: no worker sweeps on its own at start, so the sweep below is the one that judges.
    second = await startTestNode({ NODE_PROCESS: 'web' }, { database: first.database });
    second.setNow(EVENING);
  });

  after(async () => {
    if (second) await second.close();
    else await first?.close();
  });

  it('recomputes the cached timelines of the calendar-day cases the rule moves, once', async () => {
    // Yellow from Sunday 12-06: 1 day (Monday) left.
    const moved = { deadline: '2026-12-07', yellow_from: '2026-12-06', yellow_card_on: '2026-12-08', red_card_on: '2026-12-11' };
    expect(await cached(second!, 'UP-SAT')).to.deep.equal(moved);
    expect(await cached(second!, 'UP-MON')).to.deep.equal(moved);
    expect(await cached(second!, 'UP-CAL')).to.deep.equal({ deadline: '2026-11-12', yellow_from: '2026-11-11', yellow_card_on: '2026-11-13', red_card_on: '2026-11-18' });
    expect(await sql(second!, 'SELECT name FROM timeline_upgrades')).to.deep.equal([]);
    // Due for the sweep because of the rule change: the moved ones and the paused one (its dates stay pending),
    // marked (sweep_marks) or already moved into the schedule by a sweep.
    expect(await sql(second!, `SELECT case_no, reason FROM sweep_schedule WHERE reason IS NOT NULL
      UNION SELECT case_no, reason FROM sweep_marks ORDER BY case_no`)).to.deep.equal([
      { case_no: 'UP-MON', reason: 'restDayDeadline' }, { case_no: 'UP-PAUSE', reason: 'restDayDeadline' }, { case_no: 'UP-SAT', reason: 'restDayDeadline' },
    ]);

    // The lists and the board read the cached dates: on Monday evening UP-SAT is yellow, not red.
    expect(caseNos(await listAll(second!, `at=${q(EVENING)}&light=yellow`))).to.deep.equal(['UP-SAT']);
    expect(caseNos(await listAll(second!, `at=${q(EVENING)}&light=red`))).to.deep.equal(['UP-CAL', 'UP-WD']);
    const board = (await second!.api('GET', `/api/v1/board?at=${q(EVENING)}`)).body;
    expect(board.overall).to.deep.include({ open: 4, yellow: 1, red: 2, paused: 1, yellowCards: 2, redCards: 2 });
    const mon = await verdictAt(second!, 'UP-MON', EVENING);
    expect([mon.deadline, mon.onTime, mon.cards]).to.deep.equal(['2026-12-07', true, []]);
  });

  it('revokes what the old rule raised on the weekend, with the rule change as the reason', async () => {
    const swept = await sweepAt(second!, EVENING);
    expect(swept).to.deep.include({ raised: 0, revoked: 5, reinstated: 0 });
    for (const caseNo of ['UP-SAT', 'UP-MON']) {
      // Still yellow on Monday, the moved deadline; neither red on Sunday nor a card on Monday.
      expect(await liveRules(second!, caseNo), caseNo).to.deep.equal(['TIME_YELLOW_LIGHT']);
      for (const rule of ['TIME_RED_LIGHT', 'YELLOW_CARD']) {
        const alert = await alertOf(second!, caseNo, rule);
        expect(alert, `${caseNo} ${rule}`).to.deep.include({ status: 'revoked', revokedBy: 'system' });
        expect(alert.revokedReason).to.contain('民法典第二百零三条');
        const last = alert.transitions!.at(-1)!;
        expect(last).to.deep.include({ action: 'revoke', to: 'revoked', actor: 'system', from: rule === 'YELLOW_CARD' ? 'notified' : 'open' });
        expect(last.reason).to.contain('民法典第二百零三条');
      }
    }
    // The paused case never was yellow under the new rule: 3 days were left when it was paused.
    expect(await liveRules(second!, 'UP-PAUSE')).to.deep.equal([]);
    expect((await alertOf(second!, 'UP-PAUSE', 'TIME_YELLOW_LIGHT')).revokedReason).to.contain('民法典第二百零三条');
    expect(await liveRules(second!, 'UP-CAL')).to.deep.equal(liveBefore['UP-CAL']);
    expect(await liveRules(second!, 'UP-WD')).to.deep.equal(liveBefore['UP-WD']);
  });
});

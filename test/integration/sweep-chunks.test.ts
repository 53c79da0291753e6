/**
 * The sweep's chunks overlap (the next chunk is claimed and read while one is judged and written),
 * so these tests run `runSweep` directly with chunks of 2 cases against a real node's database:
 * two sweeps at once judge every case exactly once between them, and a chunk that fails rolls
 * back with the one read behind it while what committed before stays swept, the rest stays due
 * and a later sweep finishes it with no notice number skipped.
 *
 * IT-3 is committed at 3 working days: a case accepted Mon 2026-03-02 has, on Fri 03-06, a yellow
 * light, a red light and a yellow card (with its notice).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { openOrm } from '../../node/db/orm.ts';
import type { AlertNotifier } from '../../node/supervision/alert-notifier.ts';
import { runSweep, type SweepDeps } from '../../node/supervision/sweep.ts';
import { TimeRules } from '../../node/timelimits/time-rules.ts';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { withClient } from '../support/test-database.ts';
import { startTestNode, type TestNode } from '../support/test-node.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRIDAY = new Date('2026-03-06T09:00:00+08:00');
const CASES = 7;

describe('integration: the sweep in overlapping chunks', function () {
  this.timeout(60_000);
  let node: TestNode;
  let orm: MikroORM;
  let rules: TimeRules;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    orm = await openOrm(node.database.appUrl, { poolMax: 4 });
    rules = new TimeRules();
    await rules.reload(orm.em.fork());
  });
  after(async () => {
    await orm?.close(true);
    await node?.close();
  });

  const deps = (notifier: AlertNotifier | null): SweepDeps => ({ nodeCode: '610203', rules, notifier });
  const caseNos = (prefix: string): string[] => Array.from({ length: CASES }, (_, i) => `${prefix}-${i + 1}`);

  /** Per case of `prefix`: how many alerts it has, and the notice numbers of them all, sorted. */
  async function alertsOf(prefix: string): Promise<{ perCase: Record<string, number>; notices: string[] }> {
    return withClient(node.database.url, async (client) => {
      const rows = await client.query<{ case_no: string; n: string; notices: string[] }>(`SELECT case_no, count(*) AS n,
          array_remove(array_agg(notice_no ORDER BY notice_no), NULL) AS notices
        FROM alerts WHERE case_no LIKE $1 GROUP BY case_no ORDER BY case_no`, [`${prefix}-%`]);
      return {
        perCase: Object.fromEntries(rows.rows.map((row) => [row.case_no, Number(row.n)])),
        notices: rows.rows.flatMap((row) => row.notices).sort(),
      };
    });
  }

  async function dueAt(prefix: string, at: Date): Promise<string[]> {
    return withClient(node.database.url, async (client) => {
      const rows = await client.query<{ case_no: string }>('SELECT case_no FROM sweep_schedule WHERE case_no LIKE $1 AND due_at <= $2 ORDER BY case_no',
        [`${prefix}-%`, at]);
      return rows.rows.map((row) => row.case_no);
    });
  }

  const noticeNumbers = (from: number, to: number): string[] =>
    Array.from({ length: to - from + 1 }, (_, i) => `610203-2026-${String(from + i).padStart(6, '0')}`);

  it('judges every case exactly once when two sweeps run at once', async () => {
    await postAccepted(node, caseNos('CH').map((caseNo) => accepted(caseNo, MON, 'IT-3', 'GA')));
    const [a, b] = await Promise.all([
      runSweep(orm.em.fork(), deps(null), FRIDAY, { chunk: 2 }),
      runSweep(orm.em.fork(), deps(null), FRIDAY, { chunk: 2 }),
    ]);
    expect(a.checked + b.checked).to.equal(CASES);
    expect(a.raised + b.raised).to.equal(3 * CASES);
    expect(a.noticesIssued + b.noticesIssued).to.equal(CASES);
    const alerts = await alertsOf('CH');
    expect(alerts.perCase).to.deep.equal(Object.fromEntries(caseNos('CH').map((caseNo) => [caseNo, 3])));
    expect(alerts.notices).to.deep.equal(noticeNumbers(1, CASES));
    expect(await dueAt('CH', FRIDAY)).to.deep.equal([]);
    expect(await runSweep(orm.em.fork(), deps(null), FRIDAY, { chunk: 2 })).to.deep.include({ checked: 0, raised: 0 });
  });

  it('keeps what committed when a chunk fails, rolls back the one behind it, and a later sweep finishes', async () => {
    await postAccepted(node, caseNos('CF').map((caseNo) => accepted(caseNo, MON, 'IT-3', 'GA')));
    let calls = 0;
    const failing: AlertNotifier = {
      async create() {
        calls += 1;
        if (calls === 2) throw new Error('the notification store failed');
        return [];
      },
      async enqueue() {},
    };
    const progress: number[] = [];
    let failure: unknown = null;
    await runSweep(orm.em.fork(), deps(failing), FRIDAY, { chunk: 2, onProgress: (result) => progress.push(result.checked) })
      .catch((error: unknown) => { failure = error; });
    expect(String(failure)).to.contain('the notification store failed');
    // The first chunk (the two earliest due, by case number) committed; the second failed and the third, read meanwhile, rolled back.
    expect(progress).to.deep.equal([2]);
    const first = await alertsOf('CF');
    expect(first.perCase).to.deep.equal({ 'CF-1': 3, 'CF-2': 3 });
    expect(first.notices).to.deep.equal(noticeNumbers(CASES + 1, CASES + 2));
    expect(await dueAt('CF', FRIDAY)).to.deep.equal(caseNos('CF').slice(2));

    const rest = await runSweep(orm.em.fork(), deps(null), FRIDAY, { chunk: 2 });
    expect(rest).to.deep.include({ checked: CASES - 2, raised: 3 * (CASES - 2), noticesIssued: CASES - 2, chunks: 3 });
    const all = await alertsOf('CF');
    expect(all.perCase).to.deep.equal(Object.fromEntries(caseNos('CF').map((caseNo) => [caseNo, 3])));
    // The numbers the failed chunk drew were rolled back with it: none skipped.
    expect(all.notices).to.deep.equal(noticeNumbers(CASES + 1, 2 * CASES));
    expect(await dueAt('CF', FRIDAY)).to.deep.equal([]);
  });

  it('gives the rules each event\'s received instant as stored, in the text the node writes instants in', async () => {
    // Accepted Monday 10:00, received Tuesday 18:00:00.123: after Tuesday's 17:00, so a late report.
    node.setNow('2026-03-03T18:00:00.123+08:00');
    await postAccepted(node, [accepted('CL-1', MON, 'IT-3', 'GA')]);
    node.setNow(MON);
    expect(await runSweep(orm.em.fork(), deps(null), FRIDAY, { chunk: 2 })).to.deep.include({ checked: 1 });
    const [row] = await withClient(node.database.url, async (client) => (await client.query<{ details: Record<string, unknown>; stored: string }>(`SELECT a.details,
        to_char(e.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS stored
      FROM alerts a JOIN case_events e ON e.case_no = a.case_no WHERE a.case_no = 'CL-1' AND a.rule = 'LATE_REPORT'`)).rows);
    expect(row?.stored).to.equal('2026-03-03T10:00:00.123Z');
    expect(row?.details).to.deep.include({ receivedAt: row?.stored, reportBy: '2026-03-02T17:00:00+08:00' });
  });
});

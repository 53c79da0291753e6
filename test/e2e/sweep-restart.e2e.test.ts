/**
 * A sweep cut off by a crash: a real node process is killed (SIGKILL) in the middle of sweeping
 * thousands of due cases, restarted, and swept again. What the first run committed stays, nothing
 * is raised twice, no notice number is lost or reused, and every case ends with its alerts.
 *
 * Cases of IT-3 (3 working days) accepted Mon 2026-03-02: at the sweep instant 2026-04-30 each has
 * a yellow and a red light, a yellow and a red card (with a notice each). The events are received
 * after that instant (the wall clock is later), so LATE_REPORT does not count them.
 */
import { expect } from 'chai';
import pg from 'pg';
import { accepted, postAccepted, q, setUpCatalog } from '../support/api-fixtures.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';

const CASES = 12_000;
const AT = '2026-04-30T10:00:00+08:00';
const RULES_PER_CASE = 4;

async function one<T>(node: NodeProcess, text: string): Promise<T> {
  const client = new pg.Client({ connectionString: node.database.url });
  await client.connect();
  try {
    return (await client.query(text)).rows[0] as T;
  } finally {
    await client.end();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('e2e: a sweep killed halfway (real process)', function () {
  this.timeout(180_000);
  let node: NodeProcess;

  before(async () => {
    node = await startNodeProcess({ code: '610203', level: 'county', env: { SWEEP_AFTER_INGEST: 'false', SWEEP_INTERVAL_SECONDS: '86400' } });
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    for (let start = 0; start < CASES; start += 4000) {
      await postAccepted(node, Array.from({ length: 4000 }, (_, i) => accepted(`KS-${String(start + i).padStart(6, '0')}`, '2026-03-02T10:00:00+08:00', 'IT-3', 'GA')));
    }
  });
  after(() => node?.close());

  it('keeps what was committed, raises the rest once after the restart, and numbers notices without gaps', async () => {
    // Sweep in the request, without waiting for the answer; kill the process once some chunks committed.
    const running = node.api('POST', `/api/v1/alerts/sweep?at=${q(AT)}`).catch(() => null);
    let partial = { alerts: 0, due: CASES };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      partial = await one<{ alerts: number; due: number }>(node, 'SELECT (SELECT count(*)::int FROM alerts) AS alerts, (SELECT count(*)::int FROM sweep_schedule WHERE due_at = \'-infinity\') AS due');
      if (partial.alerts > 0) break;
      await sleep(20);
    }
    await node.kill9();
    await running;
    const afterCrash = await one<{ alerts: number; due: number; swept: number }>(node, `SELECT (SELECT count(*)::int FROM alerts) AS alerts,
      (SELECT count(*)::int FROM sweep_schedule WHERE due_at = '-infinity') AS due,
      (SELECT count(DISTINCT case_no)::int FROM alerts) AS swept`);
    expect(afterCrash.alerts, 'the first run committed some chunks').to.be.greaterThan(0);
    expect(afterCrash.due, 'and was cut off before the end').to.be.greaterThan(0);
    // Whole chunks only: each swept case has all its alerts, and is no longer due.
    expect(afterCrash.alerts).to.equal(afterCrash.swept * RULES_PER_CASE);
    expect(afterCrash.swept + afterCrash.due).to.equal(CASES);

    await node.restart();
    const answer = await node.api('POST', `/api/v1/alerts/sweep?at=${q(AT)}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.checked, 'only the cases the first run did not commit').to.equal(afterCrash.due);

    const final = await one<{ alerts: number; pairs: number; cases: number; due: number; notices: number; maxNotice: number; raises: number }>(node, `SELECT
      (SELECT count(*)::int FROM alerts) AS alerts,
      (SELECT count(DISTINCT (case_no, rule))::int FROM alerts) AS pairs,
      (SELECT count(DISTINCT case_no)::int FROM alerts) AS cases,
      (SELECT count(*)::int FROM sweep_schedule WHERE due_at <= '${AT}') AS due,
      (SELECT count(notice_no)::int FROM alerts) AS notices,
      (SELECT max(split_part(notice_no, '-', 3)::int) FROM alerts) AS "maxNotice",
      (SELECT count(*)::int FROM alert_transitions WHERE action = 'raise') AS raises`);
    expect(final).to.deep.equal({
      alerts: CASES * RULES_PER_CASE, pairs: CASES * RULES_PER_CASE, cases: CASES, due: 0,
      // Two cards a case; numbers drawn in the committing transaction: 1..N with no gap.
      notices: CASES * 2, maxNotice: CASES * 2, raises: CASES * RULES_PER_CASE,
    });
    expect((await node.api('POST', `/api/v1/alerts/sweep?at=${q(AT)}`)).body).to.deep.include({ checked: 0, raised: 0 });
  });
});

/**
 * A sweep cut off by a crash: a real node process is killed (SIGKILL) in the middle of sweeping
 * thousands of due cases through `POST /api/v1/alerts/sweep`, restarted, and swept again. The
 * request's sweep commits with its audit entry in one transaction, so the killed one leaves
 * nothing: no alert, every case still due; the sweep after the restart raises each alert once, and
 * no notice number is lost or reused.
 *
 * Cases of IT-3 (3 working days) accepted Mon 2026-03-02: at the sweep instant 2026-04-30 each has
 * a yellow and a red light, a yellow and a red card (with a notice each). A sweep writes at the
 * node's clock, so the process runs on the test's clock: on 03-02 while the events are received
 * (on time: LATE_REPORT does not count them), then restarted on 04-30 for the sweeps.
 */
import { expect } from 'chai';
import pg from 'pg';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { clockOffsetTo, startNodeProcess, type NodeProcess } from '../support/node-process.ts';

const CASES = 12_000;
const AT = '2026-04-30T10:00:00+08:00';
/** When the events are received: the day they occurred, before its reporting time. */
const RECEIVED = '2026-03-02T10:30:00+08:00';
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
    node = await startNodeProcess({ code: '610203', level: 'county', env: { SWEEP_AFTER_INGEST: 'false', SWEEP_INTERVAL_SECONDS: '86400' }, clockOffsetMs: clockOffsetTo(RECEIVED) });
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    for (let start = 0; start < CASES; start += 4000) {
      await postAccepted(node, Array.from({ length: 4000 }, (_, i) => accepted(`KS-${String(start + i).padStart(6, '0')}`, '2026-03-02T10:00:00+08:00', 'IT-3', 'GA')));
    }
    await node.restart({ clockOffsetMs: clockOffsetTo(AT) });
  });
  after(() => node?.close());

  it('commits nothing of a request sweep killed halfway, raises everything once after the restart, and numbers notices without gaps', async () => {
    // Sweep in the request, without waiting for the answer; kill the process once it has claimed
    // chunks (its transaction holds the lock its FOR UPDATE of the due schedule rows took until it ends).
    const running = node.api('POST', '/api/v1/alerts/sweep').catch(() => null);
    let claiming = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      ({ claiming } = await one<{ claiming: number }>(node, `SELECT count(*)::int AS claiming FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'sweep_schedule' AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND l.pid <> pg_backend_pid()`));
      if (claiming > 0) break;
      await sleep(20);
    }
    expect(claiming, 'the sweep was under way').to.be.greaterThan(0);
    await node.kill9();
    await running;
    const afterCrash = await one<{ alerts: number; due: number; transitions: number }>(node, `SELECT (SELECT count(*)::int FROM alerts) AS alerts,
      (SELECT count(*)::int FROM (SELECT case_no FROM sweep_schedule WHERE due_at = '-infinity' UNION SELECT case_no FROM sweep_marks) AS d) AS due,
      (SELECT count(*)::int FROM alert_transitions) AS transitions`);
    // One transaction: nothing half-applied, every case still due (its mark from ingest not yet
    // moved into the schedule, since the sweep that moved it rolled back, or already there).
    expect(afterCrash).to.deep.equal({ alerts: 0, due: CASES, transitions: 0 });

    await node.restart();
    const answer = await node.api('POST', '/api/v1/alerts/sweep');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.checked, 'every case: the first run committed none').to.equal(CASES);

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
    expect((await node.api('POST', '/api/v1/alerts/sweep')).body).to.deep.include({ checked: 0, raised: 0, dryRun: false });
  });
});

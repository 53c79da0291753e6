/**
 * The board is read from `open_timeline_counts` (open cases counted per department and timeline,
 * kept by triggers on `cases`) and the light lists look cases up by those timelines. These tests
 * hold both to an independent recount: every case's own verdict (always recomputed from its
 * events) at the same instant, after ingest, conclusions, suspensions and resumptions, a calendar
 * change and a policy change; at the present and at a past instant (cases changed after it,
 * and cases that did not exist yet); for the whole node and for an officer of one department.
 * The counts table itself is compared with a GROUP BY over the cached case rows.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { as, createUser, login, type ApiAs } from '../support/access-fixtures.ts';
import { accepted, concluded, postAccepted, q, resumed, setUpCatalog, suspended } from '../support/api-fixtures.ts';
import { withClient } from '../support/test-database.ts';

const DA = 'D-A';
const DB = 'D-B';
/** Before the second batch's events (2026-03-09 ..) and after the first's, but two cases accepted later. */
const PAST = '2026-03-06T12:00:00+08:00';
const NOW = '2026-03-13T10:00:00+08:00';
const LIGHTS = ['green', 'yellow', 'red', 'paused'] as const;

interface Counts { open: number; green: number; yellow: number; red: number; paused: number; yellowCards: number; redCards: number }
const zero = (): Counts => ({ open: 0, green: 0, yellow: 0, red: 0, paused: 0, yellowCards: 0, redCards: 0 });

/** Accepted from Monday 2026-02-02 on, one case every working-ish day, spread over four items. */
const ITEMS = ['A5', 'A1', 'B3', 'BC'];
const ACCEPTED_DAYS = [
  '2026-02-02', '2026-02-04', '2026-02-06', '2026-02-10', '2026-02-12', '2026-02-13', '2026-02-24', '2026-02-25',
  '2026-02-26', '2026-02-27', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-06',
];
const CASES = ACCEPTED_DAYS.flatMap((day, i) => ITEMS.map((item, j) => ({
  caseNo: `BC-${String(i).padStart(2, '0')}-${item}`,
  item,
  department: item.startsWith('A') ? DA : DB,
  // The last day's second round is accepted after PAST: absent from the past board.
  acceptedAt: `${day}T${i === ACCEPTED_DAYS.length - 1 ? '15' : String(9 + (j % 4)).padStart(2, '0')}:00:00+08:00`,
}))).concat(
  // Twelve cases of one timeline (same item, same day): a page of 10 reads past the first few of it.
  Array.from({ length: 12 }, (_, i) => ({ caseNo: `BC-Z${String(i).padStart(2, '0')}-A5`, item: 'A5', department: DA, acceptedAt: `2026-03-04T09:${String(10 + i)}:00+08:00` })),
);

describe('integration: the board and the light lists against a recount from verdicts', function () {
  this.timeout(120_000);
  let node: TestNode;
  let officer: ApiAs;

  /** Every case's own verdict at `instant`, counted as the board counts (open or paused cases only). */
  async function recount(instant: string, departments: string[] | null): Promise<{ overall: Counts; byDepartment: Map<string, Counts>; lights: Record<string, string[]> }> {
    const overall = zero();
    const byDepartment = new Map<string, Counts>();
    const lights: Record<string, string[]> = { green: [], yellow: [], red: [], paused: [] };
    for (const c of [...CASES].sort((a, b) => (a.caseNo < b.caseNo ? -1 : 1))) {
      if (departments !== null && !departments.includes(c.department)) continue;
      const answer = await node.api('GET', `/api/v1/cases/${c.caseNo}?at=${q(instant)}`);
      if (answer.status === 404) continue;
      expect(answer.status).to.equal(200);
      const verdict = answer.body as { status: string; light: string | null; cards: { color: string }[] };
      if (verdict.status !== 'open' && verdict.status !== 'paused') continue;
      const counts = byDepartment.get(c.department) ?? zero();
      byDepartment.set(c.department, counts);
      for (const target of [overall, counts]) {
        target.open += 1;
        if (verdict.light) target[verdict.light as keyof Counts] += 1;
        for (const card of verdict.cards) target[card.color === 'yellow' ? 'yellowCards' : 'redCards'] += 1;
      }
      if (verdict.light) lights[verdict.light]!.push(c.caseNo);
    }
    return { overall, byDepartment, lights };
  }

  /** The board and the light lists at `instant` as the whole node and as the D-A officer see them, each equal to its recount. */
  async function expectRecounted(instant: string): Promise<void> {
    for (const [who, call, departments] of [['node', node.api.bind(node), null], ['officer', officer, [DA]]] as const) {
      const expected = await recount(instant, departments === null ? null : [...departments]);
      const board = await call('GET', `/api/v1/board?at=${q(instant)}`);
      expect(board.status).to.equal(200);
      expect(board.body.overall, `${who} board at ${instant}`).to.deep.equal(expected.overall);
      expect(board.body.departments, `${who} departments at ${instant}`).to.deep.equal(
        [...expected.byDepartment].sort(([a], [b]) => (a < b ? -1 : 1)).map(([departmentCode, counts]) => ({ departmentCode, ...counts })));
      for (const light of LIGHTS) {
        // Pages of 3 and of 10, so the cursor crosses timelines and the stale cases of the past.
        for (const limit of [3, 10]) {
          const listed = await pagesOf(call, `light=${light}&at=${q(instant)}`, limit);
          expect(listed, `${who} ${light} list at ${instant} by ${limit}`).to.deep.equal(expected.lights[light]);
        }
        const ofA = await pagesOf(call, `light=${light}&departmentCode=${DA}&at=${q(instant)}`, 3);
        expect(ofA, `${who} ${light} list of ${DA} at ${instant}`).to.deep.equal(expected.lights[light]!.filter((caseNo) => caseNo.endsWith('-A5') || caseNo.endsWith('-A1')));
      }
    }
  }

  /** Every page of a list, `limit` at a time, each from the previous page's cursor. */
  async function pagesOf(call: ApiAs, query: string, limit: number): Promise<string[]> {
    const caseNos: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { caseNo: string }[]; nextCursor: string | null } } = await call('GET', `/api/v1/cases?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).to.equal(200);
      caseNos.push(...page.body.items.map((item) => item.caseNo));
      cursor = page.body.nextCursor;
    } while (cursor);
    return caseNos;
  }

  /**
   * The counts table sums to a recount of the cached case rows, nothing drifted; compacted, it
   * holds exactly one row per open timeline (no zero rows kept).
   */
  async function expectCountsTableExact(): Promise<void> {
    await withClient(node.database.url, async (client) => {
      const recount = `SELECT department_code, deadline, yellow_from, yellow_card_on, red_card_on, count(*) FROM cases WHERE status IN ('open', 'paused') GROUP BY 1, 2, 3, 4, 5`;
      const drift = (table: string): Promise<{ rows: unknown[] }> => client.query(`
        (${table} EXCEPT ${recount}) UNION ALL (${recount} EXCEPT ${table})`);
      const summed = `SELECT department_code, deadline, yellow_from, yellow_card_on, red_card_on, sum(cases)::bigint FROM open_timeline_counts GROUP BY 1, 2, 3, 4, 5 HAVING sum(cases) <> 0`;
      expect((await drift(summed)).rows).to.deep.equal([]);
      await client.query('SELECT compact_open_timeline_counts()');
      const rows = `SELECT department_code, deadline, yellow_from, yellow_card_on, red_card_on, cases::bigint FROM open_timeline_counts`;
      expect((await drift(rows)).rows).to.deep.equal([]);
      const open = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE status IN ('open', 'paused')");
      expect(open.rows[0]!.n).to.be.greaterThan(0);
    });
  }

  before(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    await setUpCatalog(node, { [DA]: '行政审批局', [DB]: '市场监督管理局' }, [
      { itemCode: 'A5', departmentCode: DA, legalLimitDays: 20, promisedLimitDays: 5 },
      { itemCode: 'A1', departmentCode: DA, legalLimitDays: 5, promisedLimitDays: 1 },
      { itemCode: 'B3', departmentCode: DB, legalLimitDays: 10, promisedLimitDays: 3 },
      { itemCode: 'BC', departmentCode: DB, legalLimitDays: 10, promisedLimitDays: 4, limitUnit: 'calendarDay' },
    ]);
    const user = await createUser(node, { role: 'departmentOfficer', departments: [DA] });
    officer = as(node, (await login(node, user.login, user.password)).accessToken);
  });
  after(() => node?.close());

  it('after ingest: every case accepted, two of them after the past instant', async () => {
    await postAccepted(node, CASES.map((c) => accepted(c.caseNo, c.acceptedAt, c.item, c.department)));
    await expectCountsTableExact();
    await expectRecounted(NOW);
    await expectRecounted(PAST);
  });

  it('after conclusions, suspensions and resumptions, some before and most after the past instant', async () => {
    const events = CASES.flatMap((c, i): { caseNo: string; occurredAt: string }[] => {
      if (i % 5 === 0) return [concluded(c.caseNo, `2026-03-${i % 2 === 0 ? '09' : '05'}T16:00:00+08:00`)];
      if (i % 7 === 1) return [suspended(c.caseNo, '2026-03-05T10:00:00+08:00', 'supplement')];
      if (i % 7 === 2) return [suspended(c.caseNo, '2026-03-04T10:00:00+08:00', 'supplement'), resumed(c.caseNo, '2026-03-10T09:00:00+08:00')];
      if (i % 7 === 3) return [suspended(c.caseNo, '2026-03-09T10:00:00+08:00', 'special', { kind: 'hearing' })];
      return [];
    }).filter((event) => Date.parse(event.occurredAt) > Date.parse(CASES.find((c) => c.caseNo === event.caseNo)!.acceptedAt));
    await postAccepted(node, events);
    await expectCountsTableExact();
    await expectRecounted(NOW);
    await expectRecounted(PAST);
  });

  it('after a calendar change that moves deadlines', async () => {
    const original = (await node.api('GET', '/api/v1/calendars/2026')).body;
    const answer = await node.api('PUT', '/api/v1/calendars/2026', { holidays: [...original.holidays, '2026-03-10', '2026-03-11'], workdays: original.workdays, source: '测试调整' });
    expect(answer.status).to.equal(200);
    expect(answer.body.recomputed.changed).to.be.greaterThan(0);
    await expectCountsTableExact();
    await expectRecounted(NOW);
    await expectRecounted(PAST);
  });

  it('after a policy change that moves yellow lights and cards', async () => {
    const answer = await node.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 3 });
    expect(answer.status).to.equal(200);
    expect(answer.body.recomputed.changed).to.be.greaterThan(0);
    await expectCountsTableExact();
    await expectRecounted(NOW);
    await expectRecounted(PAST);
  });

  it('two writers of cases that share a timeline do not wait for each other, and compaction refuses a drift', async () => {
    await withClient(node.database.url, (first) => withClient(node.database.url, async (second) => {
      // Two open cases of one department and one timeline, written by two open transactions.
      const { rows } = await first.query<{ case_no: string }>(`SELECT case_no FROM cases c WHERE status = 'open' AND EXISTS (
          SELECT 1 FROM cases o WHERE o.case_no <> c.case_no AND o.status = 'open' AND o.department_code = c.department_code
            AND o.deadline = c.deadline AND o.yellow_from = c.yellow_from AND o.yellow_card_on = c.yellow_card_on AND o.red_card_on = c.red_card_on)
        ORDER BY department_code, deadline, yellow_from, case_no LIMIT 2`);
      expect(rows).to.have.length(2);
      await first.query('BEGIN');
      await second.query('BEGIN');
      try {
        await first.query("UPDATE cases SET status = 'concluded' WHERE case_no = $1", [rows[0]!.case_no]);
        // With one upserted row per timeline, this waited for the first transaction's commit.
        await second.query("SET LOCAL lock_timeout = '2s'");
        await second.query("UPDATE cases SET status = 'concluded' WHERE case_no = $1", [rows[1]!.case_no]);
      } finally {
        await second.query('ROLLBACK');
        await first.query('ROLLBACK');
      }
      await expectCountsTableExact();

      await first.query('BEGIN');
      try {
        await first.query("INSERT INTO open_timeline_counts (department_code, deadline, cases) VALUES ('D-NONE', '2026-03-01', -1)");
        const refused = await first.query('SELECT compact_open_timeline_counts()').then(() => null, (error: { code?: string; message: string }) => error);
        expect(refused?.code).to.equal('23514');
        expect(refused?.message).to.match(/drifted/);
      } finally {
        await first.query('ROLLBACK');
      }
    }));
  });
});

/**
 * Summaries and rollups (federation/PROTOCOL.md) against a real node: cases reported through the
 * API, this node's summary rows recomputed from them at explicit instants, rows of several nodes
 * applied and summed over subtrees of the registry, and `GET /api/v1/rollups` on a city.
 *
 * Default policy (yellow on the last day, cards at 1 and 4 overdue working days); March 2026 has
 * no holiday: working days are Monday to Friday (Mon 03-02, 03-09, 03-16, 03-23). Every expected
 * date is worked out in the comment of its case.
 */
import { expect } from 'chai';
import Koa from 'koa';
import Router from '@koa/router';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, concluded, notAccepted, postAccepted, q, setUpCatalog, stage, suspended } from '../support/api-fixtures.ts';
import { changedOwnSummaries, changedOwnSummariesIn, computeOwnSummaries } from '../../node/summaries/own-summaries.ts';
import { poolRunner, transactionRunner, query, type SqlRunner } from '../../node/core/db.ts';
import { openOrm, migrate } from '../../node/db/orm.ts';
import { errorRenderer } from '../../node/http/error-renderer.ts';
import type { RequestState } from '../../node/http/state.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { applySummaries, queryRollups, subtreeCodes, type RollupGroup } from '../../federation/rollups/rollup-store.ts';
import { rollupRoutes } from '../../federation/rollups/rollup-routes.ts';
import { routerOf } from '../../node/core/route-contract.ts';
import {
  LIGHT_COUNTS, SUMMARY_COUNTS, addCounts, countsOf, zeroCounts, type SummaryCounts, type SummaryRow,
} from '../../federation/rollups/summary-row.ts';

const SELF = '610203';
const A = 'D-A';
const B = 'D-B';
const AS_OF = new Date('2026-03-20T18:00:00+08:00'); // Friday

const CASES = [
  // W5: accepted Mon 03-02; counting 03-03..03-09 -> deadline 03-09. Concluded 03-05: on time, early.
  accepted('S1', '2026-03-02T10:00:00+08:00', 'W5', A), concluded('S1', '2026-03-05T11:00:00+08:00'),
  // Same deadline 03-09, concluded on it: on time, not early.
  accepted('S2', '2026-03-02T14:00:00+08:00', 'W5', A), concluded('S2', '2026-03-09T16:00:00+08:00'),
  // Deadline 03-09; yellow card 03-10, red card would be 03-13; concluded 03-11: late, yellow card only.
  accepted('S3', '2026-03-02T15:00:00+08:00', 'W5', A), stage('S3', '2026-03-03T09:00:00+08:00', 'undertake'), concluded('S3', '2026-03-11T10:00:00+08:00'),
  // W1 accepted Tue 03-03: deadline 03-04, yellow card 03-05, red card 03-10 (05, 06, 09, 10); open: red.
  accepted('S4', '2026-03-03T09:00:00+08:00', 'W1', A),
  // W5 accepted Mon 03-16: deadline and yellow from 03-23; open: green on 03-20.
  accepted('S5', '2026-03-16T10:00:00+08:00', 'W5', A),
  // W5 accepted Fri 03-13: deadline 03-20 (16..20); open: yellow on 03-20.
  accepted('S6', '2026-03-13T10:00:00+08:00', 'W5', A),
  // W5 accepted 03-17, suspended 03-18 and still suspended: 1 counting day of 5, deadline pending: paused.
  accepted('S7', '2026-03-17T10:00:00+08:00', 'W5', A), suspended('S7', '2026-03-18T10:00:00+08:00', 'supplement'),
  // Refused at intake on 03-04.
  notAccepted('S8', '2026-03-04T10:00:00+08:00', 'W3', B),
  // Immediate item accepted and concluded 03-05: deadline 03-05, on time, not early.
  accepted('S9', '2026-03-05T10:00:00+08:00', 'IMM', B), concluded('S9', '2026-03-05T16:00:00+08:00'),
  // Immediate item accepted Fri 03-06, open: deadline 03-06, yellow card 03-09, red card 03-12; red.
  accepted('S10', '2026-03-06T10:00:00+08:00', 'IMM', B),
  // W3 accepted 03-02: deadline 03-05, yellow card 03-06, red card 03-11 (06, 09, 10, 11); concluded
  // 03-19: late, both cards kept.
  accepted('S11', '2026-03-02T09:00:00+08:00', 'W3', B), concluded('S11', '2026-03-19T10:00:00+08:00'),
  // Never accepted: counts nowhere.
  stage('S12', '2026-03-10T10:00:00+08:00', 'undertake'),
  // W5 accepted today 03-20: deadline 03-27; green.
  accepted('S13', '2026-03-20T09:00:00+08:00', 'W5', A),
  // W1 accepted Mon 03-09, suspended Thu 03-12: the deadline 03-10 came before the pause. Paused
  // status but red light; yellow card 03-11, red card 03-16 (11, 12, 13, 16).
  accepted('S14', '2026-03-09T10:00:00+08:00', 'W1', A), suspended('S14', '2026-03-12T10:00:00+08:00', 'special', { kind: 'expertReview' }),
];

type Counts = Partial<SummaryCounts>;
const row = (departmentCode: string, itemCode: string, day: string, counts: Counts, node = SELF): SummaryRow =>
  ({ node, departmentCode, itemCode, day, ...zeroCounts(), ...counts });

const EXPECTED_AT_0320: SummaryRow[] = [
  row(A, 'W1', '2026-03-03', { accepted: 1 }),
  row(A, 'W1', '2026-03-05', { yellowCards: 1 }),
  row(A, 'W1', '2026-03-09', { accepted: 1 }),
  row(A, 'W1', '2026-03-10', { redCards: 1 }),
  row(A, 'W1', '2026-03-11', { yellowCards: 1 }),
  row(A, 'W1', '2026-03-16', { redCards: 1 }),
  row(A, 'W1', '2026-03-20', { open: 2, red: 2 }),
  row(A, 'W5', '2026-03-02', { accepted: 3 }),
  row(A, 'W5', '2026-03-05', { concluded: 1, onTime: 1, early: 1 }),
  row(A, 'W5', '2026-03-09', { concluded: 1, onTime: 1 }),
  row(A, 'W5', '2026-03-10', { yellowCards: 1 }),
  row(A, 'W5', '2026-03-11', { concluded: 1, late: 1 }),
  row(A, 'W5', '2026-03-13', { accepted: 1 }),
  row(A, 'W5', '2026-03-16', { accepted: 1 }),
  row(A, 'W5', '2026-03-17', { accepted: 1 }),
  row(A, 'W5', '2026-03-20', { accepted: 1, open: 4, green: 2, yellow: 1, paused: 1 }),
  row(B, 'IMM', '2026-03-05', { accepted: 1, concluded: 1, onTime: 1 }),
  row(B, 'IMM', '2026-03-06', { accepted: 1 }),
  row(B, 'IMM', '2026-03-09', { yellowCards: 1 }),
  row(B, 'IMM', '2026-03-12', { redCards: 1 }),
  row(B, 'IMM', '2026-03-20', { open: 1, red: 1 }),
  row(B, 'W3', '2026-03-02', { accepted: 1 }),
  row(B, 'W3', '2026-03-04', { notAccepted: 1 }),
  row(B, 'W3', '2026-03-06', { yellowCards: 1 }),
  row(B, 'W3', '2026-03-11', { redCards: 1 }),
  row(B, 'W3', '2026-03-19', { concluded: 1, late: 1 }),
];

/** Rows summed by a key (in key order), as a reference for queryRollups. */
function sumBy(rows: readonly SummaryRow[], keyOf: (row: SummaryRow) => string): Map<string, SummaryCounts> {
  const sums = new Map<string, SummaryCounts>();
  for (const r of rows) {
    const key = keyOf(r);
    sums.set(key, addCounts(sums.get(key) ?? zeroCounts(), countsOf(r)));
  }
  return new Map([...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe('integration: own summaries and rollups (PROTOCOL.md "Summaries and rollups")', function () {
  let node: TestNode;
  let sql: SqlRunner;
  const em = () => node.node.orm.em.fork();

  before(async () => {
    node = await startTestNode({ NODE_CODE: SELF });
    sql = poolRunner(node.node.orm);
    await setUpCatalog(node, { [A]: '市场监督管理局', [B]: '税务局' }, [
      { itemCode: 'W5', departmentCode: A, legalLimitDays: 20, promisedLimitDays: 5 },
      { itemCode: 'W1', departmentCode: A, legalLimitDays: 5, promisedLimitDays: 1 },
      { itemCode: 'W3', departmentCode: B, legalLimitDays: 10, promisedLimitDays: 3 },
      { itemCode: 'IMM', departmentCode: B, legalLimitDays: 1, promisedLimitDays: 0 },
    ]);
    await postAccepted(node, CASES);
  });

  after(async () => {
    await node?.close();
  });

  describe('this node\'s rows', () => {
    it('computes every count per department, item and day at an explicit instant', async () => {
      expect(await computeOwnSummaries(em(), SELF, AS_OF)).to.deep.equal(EXPECTED_AT_0320);
    });

    it('counts today\'s lights exactly as the board does', async () => {
      const board = await node.api('GET', `/api/v1/board?at=${q(AS_OF.toISOString())}`);
      expect(board.status).to.equal(200);
      const today = sumBy(EXPECTED_AT_0320.filter((r) => r.day === '2026-03-20'), (r) => r.departmentCode);
      const fromBoard = (board.body.departments as Record<string, number | string>[]).map((d) => [d.departmentCode, ...LIGHT_COUNTS.map((c) => d[c])]);
      expect(fromBoard).to.deep.equal([...today].map(([code, counts]) => [code, ...LIGHT_COUNTS.map((c) => counts[c])]));
    });

    it('stores and answers every row the first time, and nothing when no case changed', async () => {
      expect(await changedOwnSummaries(em(), SELF, AS_OF)).to.deep.equal(EXPECTED_AT_0320);
      expect(await changedOwnSummaries(em(), SELF, AS_OF)).to.deep.equal([]);
      const [stored] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_summaries WHERE node_code = $1', [SELF]);
      expect(stored?.n).to.equal(EXPECTED_AT_0320.length);
    });

    it('answers exactly the rows a late event touches, zero rows for those left without a case', async () => {
      await postAccepted(node, [
        // S5 concluded yesterday (deadline 03-23): early; one open green case fewer today.
        concluded('S5', '2026-03-19T15:00:00+08:00'),
        // S4 concluded on its deadline 03-04, reported only now: on time, so it never earned its
        // cards of 03-05 and 03-10; those rows are left without a case.
        concluded('S4', '2026-03-04T17:00:00+08:00'),
      ]);
      expect(await changedOwnSummaries(em(), SELF, AS_OF)).to.deep.equal([
        row(A, 'W1', '2026-03-04', { concluded: 1, onTime: 1 }),
        row(A, 'W1', '2026-03-05', {}),
        row(A, 'W1', '2026-03-10', {}),
        row(A, 'W1', '2026-03-20', { open: 1, red: 1 }),
        row(A, 'W5', '2026-03-19', { concluded: 1, onTime: 1, early: 1 }),
        row(A, 'W5', '2026-03-20', { accepted: 1, open: 3, green: 1, yellow: 1, paused: 1 }),
      ]);
      expect(await changedOwnSummaries(em(), SELF, AS_OF)).to.deep.equal([]);
      // The zero rows stay stored as zeros and are not answered again.
      const rows = await computeOwnSummaries(em(), SELF, AS_OF);
      expect(rows.map((r) => r.day + r.itemCode)).not.to.include.members(['2026-03-05W1', '2026-03-10W1']);
    });

    it('freezes the state counts of a day once it is over and counts the next day\'s state on its own row', async () => {
      // Monday 03-23: S6 (deadline 03-20) turns red and earns its yellow card today; S13 (deadline
      // 03-27) is green, S7 paused; S14 and S10 stay red. Friday's rows keep Friday's state.
      const monday = new Date('2026-03-23T09:00:00+08:00');
      const changed = await changedOwnSummaries(em(), SELF, monday);
      expect(changed).to.deep.equal([
        row(A, 'W1', '2026-03-23', { open: 1, red: 1 }),
        row(A, 'W5', '2026-03-23', { yellowCards: 1, open: 3, green: 1, red: 1, paused: 1 }),
        row(B, 'IMM', '2026-03-23', { open: 1, red: 1 }),
      ]);
      const friday = (await computeOwnSummaries(em(), SELF, monday)).filter((r) => r.day === '2026-03-20');
      expect(friday).to.deep.equal([
        row(A, 'W1', '2026-03-20', { open: 1, red: 1 }),
        row(A, 'W5', '2026-03-20', { accepted: 1, open: 3, green: 1, yellow: 1, paused: 1 }),
        row(B, 'IMM', '2026-03-20', { open: 1, red: 1 }),
      ]);
      expect(await changedOwnSummaries(em(), SELF, monday)).to.deep.equal([]);
    });

    it('counts rows as sent only when the caller\'s transaction commits', async () => {
      // W1 accepted Monday 03-23 08:30: deadline and yellow from 03-24, green today.
      await postAccepted(node, [accepted('S15', '2026-03-23T08:30:00+08:00', 'W1', A)]);
      const monday = new Date('2026-03-23T09:00:00+08:00');
      const expected = [row(A, 'W1', '2026-03-23', { accepted: 1, open: 2, green: 1, red: 1 })];
      let seen: SummaryRow[] = [];
      let caught: unknown;
      try {
        await em().transactional(async (tx) => {
          seen = await changedOwnSummariesIn(transactionRunner(tx), SELF, monday);
          throw new Error('the batch could not be stored');
        });
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).message).to.equal('the batch could not be stored');
      expect(seen).to.deep.equal(expected);
      expect(await changedOwnSummaries(em(), SELF, monday)).to.deep.equal(expected);
      expect(await em().transactional((tx) => changedOwnSummariesIn(transactionRunner(tx), SELF, monday))).to.deep.equal([]);
    });
  });

  describe('rollups over a subtree', () => {
    // The registry of a city 610200 with two counties (610203, this node, and 610204), and another
    // city 610300 with its county 610302 that must never count in 610200's sums.
    const CITY = '610200';
    let own: SummaryRow[];
    const cityRows: SummaryRow[] = [
      row('C-GOV', 'X1', '2026-03-10', { accepted: 4, concluded: 2, onTime: 2, early: 1 }, CITY),
      row('C-GOV', 'X1', '2026-03-20', { accepted: 1, open: 3, green: 3 }, CITY),
    ];
    const siblingRows: SummaryRow[] = [
      row(A, 'W5', '2026-03-05', { accepted: 7, concluded: 5, onTime: 4, early: 2, late: 1, yellowCards: 1 }, '610204'),
      row('D-Z', 'Z9', '2026-03-20', { notAccepted: 2, redCards: 1, open: 6, green: 1, yellow: 2, red: 2, paused: 1 }, '610204'),
      // Outside the range of the queries below.
      row('D-Z', 'Z9', '2026-02-27', { accepted: 100 }, '610204'),
    ];
    const otherCityRows: SummaryRow[] = [
      row(A, 'W5', '2026-03-05', { accepted: 1000, open: 1000, green: 1000 }, '610302'),
    ];

    before(async () => {
      await sql.query(`INSERT INTO federation_nodes (code, relation, parent_code, level, name) VALUES
        ('610200', 'parent', NULL, 'city', '铜川市'),
        ('610204', 'descendant', '610200', 'county', '耀州区'),
        ('610300', 'descendant', NULL, 'city', '宝鸡市'),
        ('610302', 'descendant', '610300', 'county', '渭滨区')`);
      await sql.query("UPDATE federation_nodes SET parent_code = '610200' WHERE code = $1", [SELF]);
      own = await computeOwnSummaries(em(), SELF, new Date('2026-03-23T09:00:00+08:00'));
    });

    it('finds the subtree of a node through the parent chain', async () => {
      expect(await subtreeCodes(sql, CITY)).to.deep.equal(['610200', '610203', '610204']);
      expect(await subtreeCodes(sql, '610300')).to.deep.equal(['610300', '610302']);
      expect(await subtreeCodes(sql, SELF)).to.deep.equal([SELF]);
      expect(await subtreeCodes(sql, '659999')).to.deep.equal(['659999']);
    });

    it('applies rows as absolute values: the same rows twice change nothing', async () => {
      const rows = [...cityRows, ...siblingRows, ...otherCityRows];
      const t1 = new Date('2026-03-20T19:00:00+08:00');
      expect(await applySummaries(sql, rows, t1)).to.equal(rows.length);
      expect(await applySummaries(sql, rows, new Date('2026-03-20T20:00:00+08:00'))).to.equal(0);
      const [kept] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_summaries WHERE updated_at = $1', [t1]);
      expect(kept?.n).to.equal(rows.length);
      // A changed value replaces the stored one; applying it again is again a no-op.
      const changed = { ...siblingRows[0]!, accepted: 8 };
      expect(await applySummaries(sql, [changed], t1)).to.equal(1);
      expect(await applySummaries(sql, [siblingRows[0]!], t1)).to.equal(1);
      expect(await applySummaries(sql, [siblingRows[0]!], t1)).to.equal(0);
    });

    it('refuses a malformed row before writing anything', async () => {
      const bad = { ...cityRows[0]!, early: -1 };
      let caught: unknown;
      try {
        await applySummaries(sql, [cityRows[1]!, bad], new Date());
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
      expect((caught as Error).message).to.match(/row 1: early/);
    });

    const FROM = '2026-03-01';
    const TO = '2026-03-31';
    const inScope = (rows: SummaryRow[], nodes: string[]) => rows.filter((r) => nodes.includes(r.node) && r.day >= FROM && r.day <= TO);
    const keyOf: Record<RollupGroup, (r: SummaryRow) => string> = { node: (r) => r.node, department: (r) => r.departmentCode, item: (r) => r.itemCode };

    for (const groupBy of ['node', 'department', 'item'] as const) {
      it(`sums every field by ${groupBy} over the city's subtree, and nothing outside it`, async () => {
        const nodes = await subtreeCodes(sql, CITY);
        const result = await queryRollups(sql, { from: FROM, to: TO, groupBy, nodes });
        const rows = inScope([...own, ...cityRows, ...siblingRows, ...otherCityRows], nodes);
        const expected = [...sumBy(rows, keyOf[groupBy])].map(([key, counts]) => ({ key, ...counts }));
        expect(result.items).to.deep.equal(expected);
        expect(result.totals).to.deep.equal(sumBy(rows, () => 'all').get('all'));
      });
    }

    it('gives the hand-counted sums by node', async () => {
      const result = await queryRollups(sql, { from: '2026-03-20', to: '2026-03-20', groupBy: 'node', nodes: await subtreeCodes(sql, CITY) });
      expect(result.items.map((i) => [i.key, i.accepted, i.notAccepted, i.redCards, i.open, i.green, i.yellow, i.red, i.paused])).to.deep.equal([
        ['610200', 1, 0, 0, 3, 3, 0, 0, 0],
        // Friday's frozen state of this node: W1 1 red, W5 3 open (1 green, 1 yellow, 1 paused), IMM 1 red.
        ['610203', 1, 0, 0, 5, 1, 1, 2, 1],
        ['610204', 0, 2, 1, 6, 1, 2, 2, 1],
      ]);
      expect(result.totals.open).to.equal(14);
      expect(await queryRollups(sql, { from: FROM, to: TO, groupBy: 'item', nodes: [] })).to.deep.equal({ items: [], totals: zeroCounts() });
    });

    describe('GET /api/v1/rollups on the city', () => {
      let server: Server;
      let base: string;

      before(async () => {
        // The route as the node mounts it, on the city's registry: self = 610200.
        const app = new Koa<RequestState>();
        app.use(errorRenderer());
        const api = routerOf(rollupRoutes({ sql, self: { code: CITY } }), '/api/v1');
        app.use(api.routes()).use(api.allowedMethods());
        server = await new Promise((resolve) => {
          const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
        });
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/rollups`;
      });

      after(async () => {
        await new Promise((resolve) => server.close(resolve));
      });

      const get = async (queryString: string) => {
        const response = await fetch(`${base}?${queryString}`);
        return { status: response.status, body: await response.json() as Record<string, any> };
      };

      it('sums the whole subtree by default, its own departments included', async () => {
        const answer = await get(`from=${FROM}&to=${TO}`);
        expect(answer.status).to.equal(200);
        const rows = inScope([...own, ...cityRows, ...siblingRows], ['610200', '610203', '610204']);
        expect(answer.body).to.deep.equal({
          from: FROM, to: TO, groupBy: 'node', node: CITY,
          items: [...sumBy(rows, (r) => r.node)].map(([key, counts]) => ({ key, ...counts })),
          totals: sumBy(rows, () => 'all').get('all'),
        });
      });

      it('sums one county when asked, by department', async () => {
        const answer = await get(`from=${FROM}&to=${TO}&groupBy=department&node=610204`);
        expect(answer.status).to.equal(200);
        expect(answer.body.node).to.equal('610204');
        expect(answer.body.items.map((i: Record<string, number>) => [i.key, i.accepted, i.open])).to.deep.equal([[A, 7, 0], ['D-Z', 0, 6]]);
        expect(Object.keys(answer.body.totals)).to.deep.equal([...SUMMARY_COUNTS]);
      });

      it('refuses a node outside its subtree and every malformed parameter, naming the field', async () => {
        const cases: [string, string][] = [
          [`from=${FROM}&to=${TO}&node=610302`, 'node'],
          [`from=${FROM}&to=${TO}&node=61`, 'node'],
          [`to=${TO}`, 'from'],
          [`from=${FROM}`, 'to'],
          [`from=2026-02-30&to=${TO}`, 'from'],
          [`from=${FROM}&to=2026-3-31`, 'to'],
          [`from=${TO}&to=${FROM}`, 'to'],
          ['from=2023-03-01&to=2026-03-01', 'to'],
          [`from=${FROM}&to=${TO}&groupBy=day`, 'groupBy'],
          [`from=${FROM}&from=${FROM}&to=${TO}`, 'from'],
        ];
        for (const [queryString, field] of cases) {
          const answer = await get(queryString);
          expect(answer.status, queryString).to.equal(400);
          expect(answer.body.error.code, queryString).to.equal('INVALID_PARAMETER');
          expect(answer.body.error.details.field, queryString).to.equal(field);
        }
        expect((await get('from=2023-03-01&to=2026-02-28')).status).to.equal(200);
      });
    });
  });

  describe('at scale', function () {
    // A scratch database filled straight with SQL (no events): SUMMARIES_BENCH_CASES cases
    // (default 100,000; 1,000,000 for the figure in the README) over a year, 20 departments,
    // 100 items. Prints the time; asserts only that the counts add up.
    const cases = Number(process.env.SUMMARIES_BENCH_CASES ?? 100_000);
    this.timeout(Math.max(60_000, cases / 5));

    it(`recomputes the summaries of ${cases.toLocaleString('en')} cases`, async () => {
      const database = await createTestDatabase('sv_sumbench');
      const orm = await openOrm(database.url);
      try {
        await migrate(orm);
        await query(orm.em.fork(), `INSERT INTO cases (case_no, status, item_code, department_code, limit_days, limit_unit, facts,
            first_occurred_at, last_occurred_at, accepted_day, concluded_day, deadline, yellow_from, yellow_card_on, red_card_on, updated_at)
          SELECT 'B' || lpad(g::text, 9, '0'), s.status, 'I' || (g % 100), 'D' || (g % 100 / 5), 5, 'workday',
            jsonb_build_object('caseNo', 'B' || g, 'status', s.status, 'stage', 'review', 'suspensions', '[]'::jsonb,
              'acceptedAt', '2026-01-05T10:00:00+08:00', 'lastOccurredAt', '2026-01-05T10:00:00+08:00'),
            now(), now(),
            CASE WHEN s.status <> 'notAccepted' THEN a.day END,
            CASE WHEN s.status = 'concluded' THEN a.day + (g % 13) WHEN s.status = 'notAccepted' THEN a.day END,
            CASE WHEN s.status <> 'notAccepted' AND g % 7 <> 0 THEN a.day + 7 END,
            CASE WHEN s.status <> 'notAccepted' AND g % 7 <> 0 THEN a.day + 6 END,
            CASE WHEN s.status <> 'notAccepted' AND g % 7 <> 0 THEN a.day + 8 END,
            CASE WHEN s.status <> 'notAccepted' AND g % 7 <> 0 THEN a.day + 11 END,
            now()
          FROM generate_series(1, $1::int) AS g
          CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 < 14 THEN 'concluded' WHEN g % 20 < 17 THEN 'open'
            WHEN g % 20 < 18 THEN 'paused' ELSE 'notAccepted' END AS status) AS s
          CROSS JOIN LATERAL (SELECT date '2025-03-01' + (g % 365) AS day) AS a`, [cases]);
        await query(orm.em.fork(), 'VACUUM ANALYZE cases');
        const asOf = new Date('2026-03-02T10:00:00+08:00');
        let started = performance.now();
        const rows = await computeOwnSummaries(orm.em.fork(), SELF, asOf);
        const computeMs = performance.now() - started;
        started = performance.now();
        const first = await changedOwnSummaries(orm.em.fork(), SELF, asOf);
        const firstMs = performance.now() - started;
        started = performance.now();
        const again = await changedOwnSummaries(orm.em.fork(), SELF, asOf);
        const againMs = performance.now() - started;
        console.log(`      computeOwnSummaries over ${cases} cases: ${rows.length} rows in ${Math.round(computeMs)} ms; `
          + `changedOwnSummaries ${Math.round(firstMs)} ms (${first.length} stored), then ${Math.round(againMs)} ms (${again.length})`);

        const totals = rows.reduce((sum, r) => addCounts(sum, r), zeroCounts());
        const [expected] = await query<Record<string, number>>(orm.em.fork(), `SELECT
            count(*) FILTER (WHERE status IN ('open', 'paused', 'concluded'))::int AS accepted,
            count(*) FILTER (WHERE status = 'notAccepted')::int AS "notAccepted",
            count(*) FILTER (WHERE status = 'concluded')::int AS concluded,
            count(*) FILTER (WHERE status IN ('open', 'paused'))::int AS open
          FROM cases`);
        expect({ accepted: totals.accepted, notAccepted: totals.notAccepted, concluded: totals.concluded, open: totals.open }).to.deep.equal(expected);
        expect(totals.onTime + totals.late).to.equal(totals.concluded - (await query<{ n: number }>(orm.em.fork(),
          "SELECT count(*)::int AS n FROM cases WHERE status = 'concluded' AND deadline IS NULL"))[0]!.n);
        expect(totals.green + totals.yellow + totals.red + totals.paused).to.equal(totals.open);
        expect(first).to.deep.equal(rows);
        expect(again).to.deep.equal([]);
      } finally {
        await orm.close(true);
        await database.drop();
      }
    });
  });
});

/**
 * Alerts in federation (issue 4 point 5) with in-process nodes: a province 610000, a city 610200
 * and a county 610203. The county's alerts, notices and their outcomes travel up in its summary
 * rows, so the city's and the province's rollups show them; re-supervision compares the county's
 * alerts with the findings the auditor recomputes, and reports alerts deleted from, or inserted
 * into, the county's table behind its back.
 *
 * March 2026 has no holiday. I3 is committed at 3 working days: a case accepted Mon 03-02 has the
 * deadline Thu 03-05, yellow light from 03-05, red light and yellow card 03-06, red card 03-11
 * (overdue working days 06, 09, 10, 11). A notice is due 5 working days after it is issued
 * (03-06 -> 03-13, 03-11 -> 03-18). IF is a free item committed at 20 working days.
 *
 * The county sweeps on 03-06, 03-11 and 03-16 (which escalates the notices due 03-13 still
 * unanswered); departments and supervisors act in between. At NOW (Fri 03-20 12:00):
 *   F1 (I3)  TIME_YELLOW_LIGHT open, TIME_RED_LIGHT open, YELLOW_CARD accepted 03-10,
 *            RED_CARD notified (due 03-18: overdue)
 *   F2 (I3)  TIME_YELLOW_LIGHT open, TIME_RED_LIGHT revoked on appeal 03-10, YELLOW_CARD escalated
 *            03-16, RED_CARD explained
 *   F3 (I3)  TIME_YELLOW_LIGHT open, TIME_RED_LIGHT open, YELLOW_CARD rejected 03-10, RED_CARD appealed
 *   F4 (IF)  FEE_ON_FREE_ITEM open (a fee on a free item)
 *   F5 (I3)  LATE_REPORT accepted 03-10 (accepted 03-02, reported 03-03; concluded 03-04)
 *   F6 (I3)  ABNORMAL_OUTCOME open (refused at intake)
 *   F7 (I3)  accepted Mon 03-16 after that day's sweep: deadline 03-19, red light and yellow card
 *            03-20, but never swept; the county sweeps it at the audit instant before answering.
 */
import { expect } from 'chai';
import { isoLocal } from '../../node/core/instants.ts';
import pg from 'pg';
import { withClient } from '../support/test-database.ts';
import type { TestNode } from '../support/test-node.ts';
import { accepted, concluded, fee, notAccepted, postAccepted, q, setUpCatalog } from '../support/api-fixtures.ts';
import { act, alertOf, alertsWhere, sweepAt } from '../support/alert-fixtures.ts';
import { enroll, startAt, sync } from '../support/federation-fixtures.ts';
import { NodeIdentity } from '../../federation/identity/node-identity.ts';
import { poolRunner } from '../../node/core/db.ts';
import type { AuditRequestPayload, AuditResponsePayload } from '../../federation/audit/audit-types.ts';
import { ALERT_COUNTS, type SummaryCounts } from '../../federation/rollups/summary-row.ts';

const COUNTY = '610203';
const NOW = '2026-03-20T12:00:00+08:00';
const KEY_SECRET = 'test-node-key-secret-0123456789'; // test-node.ts's NODE_KEY_SECRET
const day = (d: string, time = '10:00'): string => `2026-03-${d}T${time}:00+08:00`;

async function audit(auditor: TestNode, code: string) {
  const answer = await auditor.api('POST', `/api/v1/children/${code}/audits?wait=true`, { from: '2026-03-01', to: '2026-03-31' });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  expect(answer.body.status, JSON.stringify(answer.body)).to.equal('done');
  return answer.body;
}

const onDatabase = <T>(node: TestNode, work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(node.database.url, work);

type AlertCounts = Pick<SummaryCounts, (typeof ALERT_COUNTS)[number]>;
const alertCounts = (counts: Record<string, unknown>): AlertCounts =>
  Object.fromEntries(ALERT_COUNTS.map((count) => [count, counts[count]])) as AlertCounts;

/** The alert counts of `node`'s rollups for the county's subtree, from..to, by item. */
async function rollupOf(node: TestNode, from = '2026-03-01', to = '2026-03-31') {
  const answer = await node.api('GET', `/api/v1/rollups?from=${from}&to=${to}&groupBy=item&node=${COUNTY}`);
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return {
    totals: alertCounts(answer.body.totals),
    items: (answer.body.items as Record<string, unknown>[]).map((item) => ({ key: item.key, ...alertCounts(item) })),
  };
}

/** The same counts worked out straight from the county's alerts table, today = `today`. */
async function countedInTable(node: TestNode, today: string): Promise<AlertCounts> {
  return onDatabase(node, async (client) => {
    const local = (column: string) => `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;
    const { rows } = await client.query<AlertCounts>(`SELECT
        count(*)::int AS "alertsRaised",
        count(notice_issued_at)::int AS "noticesIssued",
        count(*) FILTER (WHERE status = 'accepted')::int AS "alertsAccepted",
        count(*) FILTER (WHERE status = 'rejected')::int AS "alertsRejected",
        count(*) FILTER (WHERE status = 'revoked')::int AS "alertsRevoked",
        count(*) FILTER (WHERE notice_no IS NOT NULL AND status IN ('notified', 'explained', 'appealed'))::int AS "noticesOpen",
        count(*) FILTER (WHERE status = 'notified' AND notice_due_on < $1::date)::int AS "noticesOverdue",
        count(*) FILTER (WHERE status = 'escalated')::int AS "noticesEscalated"
      FROM alerts WHERE ${local('raised_at')} <= $1::date`, [today]);
    return rows[0]!;
  });
}

describe('integration: alerts in federation (summaries and re-supervision)', function () {
  this.timeout(120000);
  let province: TestNode;
  let city: TestNode;
  let county: TestNode;

  before(async () => {
    province = await startAt({ NODE_CODE: '610000', NODE_LEVEL: 'province' });
    city = await startAt({ NODE_CODE: '610200', NODE_LEVEL: 'city', PARENT_URL: province.url });
    county = await startAt({ NODE_CODE: COUNTY, NODE_LEVEL: 'county', PARENT_URL: city.url });
    await setUpCatalog(county, { D1: '行政审批服务局', D2: '市场监督管理局' }, [
      { itemCode: 'I3', departmentCode: 'D1', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'IF', departmentCode: 'D2', legalLimitDays: 20, promisedLimitDays: 20 },
    ]);
    // Each event is received when the clock says: on time, except F5's intake.
    county.setNow(day('02', '10:30'));
    await postAccepted(county, [
      ...['F1', 'F2', 'F3'].map((caseNo) => accepted(caseNo, day('02'), 'I3', 'D1')),
      accepted('F4', day('02'), 'IF', 'D2'),
      notAccepted('F6', day('02'), 'I3', 'D1'),
    ]);
    county.setNow(day('03', '10:00'));
    await postAccepted(county, [accepted('F5', day('02'), 'I3', 'D1')]);
    county.setNow(day('03', '11:30'));
    await postAccepted(county, [fee('F4', day('03', '11:00'), 2000)]);
    county.setNow(day('04', '10:30'));
    await postAccepted(county, [concluded('F5', day('04'))]);

    const ok = async (caseNo: string, rule: string, action: string, body: Record<string, unknown>, instant: string, status: string) => {
      const alert = await alertOf(county, caseNo, rule);
      const answer = await act(county, alert.id, action, body, instant);
      expect(answer.status, `${caseNo} ${rule} ${action}: ${JSON.stringify(answer.body)}`).to.equal(200);
      expect(answer.body.status).to.equal(status);
    };
    expect(await sweepAt(county, day('06'))).to.deep.include({ raised: 12, noticesIssued: 3 });
    await ok('F1', 'YELLOW_CARD', 'explain', { explanation: '材料审查延误', correction: '已调整' }, day('09', '09:00'), 'explained');
    await ok('F3', 'YELLOW_CARD', 'explain', { explanation: '系统故障', correction: '已修复' }, day('09', '09:00'), 'explained');
    await ok('F2', 'TIME_RED_LIGHT', 'appeal', { reason: '申请人要求延期' }, day('09', '09:00'), 'appealed');
    await ok('F1', 'YELLOW_CARD', 'accept', { reason: '说明属实' }, day('10', '09:00'), 'accepted');
    await ok('F3', 'YELLOW_CARD', 'reject', { reason: '理由不充分' }, day('10', '09:00'), 'rejected');
    await ok('F2', 'TIME_RED_LIGHT', 'revoke', { reason: '申诉成立' }, day('10', '09:00'), 'revoked');
    await ok('F5', 'LATE_REPORT', 'accept', { reason: '已核实' }, day('10', '09:00'), 'accepted');
    expect(await sweepAt(county, day('11'))).to.deep.include({ raised: 3, noticesIssued: 3 });
    await ok('F2', 'RED_CARD', 'explain', { explanation: '专家评审', correction: '已办结' }, day('12', '09:00'), 'explained');
    await ok('F3', 'RED_CARD', 'appeal', { reason: '非本部门原因' }, day('12', '09:00'), 'appealed');
    expect(await sweepAt(county, day('16'))).to.deep.include({ escalated: 1 });
    county.setNow(day('16', '10:30'));
    await postAccepted(county, [accepted('F7', day('16'), 'I3', 'D1')]);

    for (const node of [province, city, county]) node.setNow(NOW);
    await enroll(province, city, '610200', 'city');
    await enroll(city, county, COUNTY, 'county');
    await sync(county);
    await sync(city);
  });

  after(async () => {
    await county?.close();
    await city?.close();
    await province?.close();
  });

  const EXPECTED_TOTALS: AlertCounts = {
    alertsRaised: 15, noticesIssued: 6, alertsAccepted: 2, alertsRejected: 1, alertsRevoked: 1, noticesOpen: 3, noticesOverdue: 1, noticesEscalated: 1,
  };

  it("the county's own rollups count its alerts and notices as its alerts table does", async () => {
    const own = await rollupOf(county);
    expect(own.totals).to.deep.equal(EXPECTED_TOTALS);
    expect(own.totals).to.deep.equal(await countedInTable(county, '2026-03-20'));
    expect(own.items).to.deep.equal([
      { key: 'I3', ...EXPECTED_TOTALS, alertsRaised: 14 },
      { key: 'IF', alertsRaised: 1, noticesIssued: 0, alertsAccepted: 0, alertsRejected: 0, alertsRevoked: 0, noticesOpen: 0, noticesOverdue: 0, noticesEscalated: 0 },
    ]);
    // Flows on their days, states on today's row only.
    const on = async (d: string) => (await rollupOf(county, `2026-03-${d}`, `2026-03-${d}`)).totals;
    expect(await on('06')).to.include({ alertsRaised: 12, noticesIssued: 3, alertsAccepted: 0, noticesOpen: 0 });
    expect(await on('10')).to.include({ alertsRaised: 0, alertsAccepted: 2, alertsRejected: 1, alertsRevoked: 1 });
    expect(await on('11')).to.include({ alertsRaised: 3, noticesIssued: 3 });
    expect(await on('20')).to.deep.equal({
      alertsRaised: 0, noticesIssued: 0, alertsAccepted: 0, alertsRejected: 0, alertsRevoked: 0, noticesOpen: 3, noticesOverdue: 1, noticesEscalated: 1,
    });
  });

  it("the city's and the province's rollups show the county's counts, day by day", async () => {
    const own = await rollupOf(county);
    expect((await rollupOf(city)).items).to.deep.equal(own.items);
    expect((await rollupOf(province)).items).to.deep.equal(own.items);
    for (const d of ['06', '10', '11', '20']) {
      const countyDay = await rollupOf(county, `2026-03-${d}`, `2026-03-${d}`);
      expect((await rollupOf(city, `2026-03-${d}`, `2026-03-${d}`)).totals, d).to.deep.equal(countyDay.totals);
      expect((await rollupOf(province, `2026-03-${d}`, `2026-03-${d}`)).totals, d).to.deep.equal(countyDay.totals);
    }
    // Summed over the province's whole subtree (the city and the province have no alerts of their own).
    const whole = await province.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31');
    expect(alertCounts(whole.body.totals)).to.deep.equal(EXPECTED_TOTALS);
  });

  it('an answered notice changes today\'s row, and the next sync carries it up', async () => {
    const card = await alertOf(county, 'F1', 'RED_CARD');
    expect(card.status).to.equal('notified');
    const answer = await act(county, card.id, 'explain', { explanation: '已补正', correction: '已办结' }, '2026-03-20T12:30:00+08:00');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    await sync(county);
    await sync(city);
    const today = { ...EXPECTED_TOTALS, noticesOverdue: 0 };
    expect((await rollupOf(county)).totals).to.deep.equal(today);
    expect((await rollupOf(city)).totals).to.deep.equal(today);
    expect((await rollupOf(province)).totals).to.deep.equal(today);
  });

  it('the county answers an audit with its alerts, after sweeping the audited cases at the audit instant', async () => {
    expect(await alertsWhere(county, 'caseNo=F7')).to.deep.equal([]);
    const cityIdentity = await NodeIdentity.open(poolRunner(city.node.orm), KEY_SECRET, new Date(NOW));
    const status = await county.api('GET', '/api/v1/federation/status');
    const request: AuditRequestPayload = {
      auditor: '610200', node: COUNTY, from: '2026-03-01', to: '2026-03-31', departmentCode: null, treeSize: status.body.node.treeSize,
      at: new Date(NOW).toISOString(), after: null, limit: 10, nonce: `nonce-alerts-${Date.now()}-0123456789abcdef`, time: new Date(NOW).toISOString(),
    };
    const answer = await county.api('POST', '/federation/v1/audits', { request: await cityIdentity.sign('sv-audit-request+jws', request) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const payload = JSON.parse(Buffer.from((answer.body.response as string).split('.')[1]!, 'base64url').toString('utf8')) as AuditResponsePayload;
    expect(payload.items).to.deep.equal([
      { itemCode: 'I3', departmentCode: 'D1', fees: [], stages: [] },
      { itemCode: 'IF', departmentCode: 'D2', fees: [], stages: [] },
    ]);
    const f2 = payload.cases.find((c) => c.caseNo === 'F2')!;
    expect(f2.alerts.map((a) => [a.rule, a.status, a.revokedBy, a.noticeNo !== null])).to.deep.equal([
      ['RED_CARD', 'explained', null, true],
      ['TIME_RED_LIGHT', 'revoked', 'person', false],
      ['TIME_YELLOW_LIGHT', 'open', null, false],
      ['YELLOW_CARD', 'escalated', null, true],
    ]);
    const f5 = payload.cases.find((c) => c.caseNo === 'F5')!;
    expect(f5.events.map((e) => e.receivedAt)).to.deep.equal(['2026-03-03T02:00:00.000Z', '2026-03-04T02:30:00.000Z']);
    // F7 was due and never swept: the answer carries what a sweep at the audit instant raised.
    const f7 = payload.cases.find((c) => c.caseNo === 'F7')!;
    expect(f7.alerts.map((a) => [a.rule, a.status])).to.deep.equal([['TIME_RED_LIGHT', 'open'], ['TIME_YELLOW_LIGHT', 'open'], ['YELLOW_CARD', 'notified']]);
    expect((await alertOf(county, 'F7', 'YELLOW_CARD')).raisedAt).to.equal(isoLocal(NOW));
  });

  it('audits of the honest county find every alert founded and every finding alerted, directly and through the city', async () => {
    for (const auditor of [city, province]) {
      const done = await audit(auditor, COUNTY);
      expect(done.counts).to.deep.equal({
        pages: 1, cases: 7, events: 9, proofsVerified: 9, proofsFailed: 0, casesCompared: 7, casesSkipped: 0,
        // 18 findings; 17 live alerts (F2's red light was revoked on appeal, which answers for its finding).
        casesWithDiscrepancies: 0, discrepancies: 0, findings: 18, liveAlerts: 17, alertDiscrepancies: 0, truncated: false,
      });
      expect(done.discrepancies).to.deep.equal([]);
    }
  });

  describe("after the county's alerts table was altered behind its back", () => {
    before(async () => {
      await onDatabase(county, async (client) => {
        const deleted = await client.query("DELETE FROM alerts WHERE case_no = 'F1' AND rule = 'TIME_YELLOW_LIGHT'");
        expect(deleted.rowCount).to.equal(1);
        await client.query(`INSERT INTO alerts (case_no, rule, rule_version, department_code, item_code, status, found_at, raised_at,
            message, details, appeal_due_on, updated_at)
          VALUES ('F4', 'TIME_RED_LIGHT', 1, 'D2', 'IF', 'open', '2026-03-09T16:00:00Z', '2026-03-10T02:00:00Z',
            '办件 F4 已超期', '{}'::jsonb, '2026-03-24', '2026-03-10T02:00:00Z')`);
      });
    });

    it('both audits report the deleted alert as ALERT_MISSING and the inserted one as ALERT_UNFOUNDED', async () => {
      for (const auditor of [city, province]) {
        const done = await audit(auditor, COUNTY);
        expect(done.discrepancies).to.deep.equal([
          {
            caseNo: 'F1', field: 'alert', problem: 'ALERT_MISSING', rule: 'TIME_YELLOW_LIGHT', reported: null,
            recomputed: { rule: 'TIME_YELLOW_LIGHT', ruleVersion: 1, foundAt: '2026-03-05T00:00:00+08:00' },
          },
          {
            caseNo: 'F4', field: 'alert', problem: 'ALERT_UNFOUNDED', rule: 'TIME_RED_LIGHT', recomputed: null,
            reported: { rule: 'TIME_RED_LIGHT', ruleVersion: 1, status: 'open', foundAt: '2026-03-09T16:00:00.000Z', noticeNo: null, revokedBy: null },
          },
        ]);
        expect(done.counts).to.include({ casesCompared: 7, casesWithDiscrepancies: 2, discrepancies: 2, findings: 18, liveAlerts: 17, alertDiscrepancies: 2 });
      }
    });

    it('the sweep before the answer does not raise the deleted alert again: the case was not due', async () => {
      expect((await alertsWhere(county, 'caseNo=F1')).map((a) => a.rule).sort()).to.deep.equal(['RED_CARD', 'TIME_RED_LIGHT', 'YELLOW_CARD']);
      // The verdicts are untouched: the lights and cards of the case rows still recompute.
      const verdict = await county.api('GET', `/api/v1/cases/F1?at=${q(NOW)}`);
      expect(verdict.body.light).to.equal('red');
    });
  });

  it('an audit at an instant ahead of the county writes nothing dated then: the sweep before the answer runs at the county\'s clock', async () => {
    const cityIdentity = await NodeIdentity.open(poolRunner(city.node.orm), KEY_SECRET, new Date(NOW));
    const status = await county.api('GET', '/api/v1/federation/status');
    const ahead = new Date(Date.parse(NOW) + 30 * 86_400_000).toISOString();
    const before = (await alertsWhere(county)).map((a) => `${a.id} ${a.status} ${a.raisedAt}`).sort();
    const request: AuditRequestPayload = {
      auditor: '610200', node: COUNTY, from: '2026-03-01', to: '2026-03-31', departmentCode: null, treeSize: status.body.node.treeSize,
      at: ahead, after: null, limit: 10, nonce: `nonce-ahead-${Date.now()}-0123456789abcdef`, time: new Date(NOW).toISOString(),
    };
    const answer = await county.api('POST', '/federation/v1/audits', { request: await cityIdentity.sign('sv-audit-request+jws', request) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    // Cards a month on (red cards of the open cases) are not raised, numbered and notified in advance.
    expect((await alertsWhere(county)).map((a) => `${a.id} ${a.status} ${a.raisedAt}`).sort()).to.deep.equal(before);
  });
});

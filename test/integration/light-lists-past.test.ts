/**
 * Light lists at a past instant give every case by its light then, though events after the
 * instant changed it (concluded, suspended, resumed): those cases are recomputed from their
 * events, and only the ones their cached row cannot rule out (light-sql `mayHaveHadLightSql`) are
 * read. The cases below sit on the edges of that bound: a deadline or yellow-from day on the date
 * asked about or the day after, a suspension closed on that date, a conclusion before it with a
 * later event, an acceptance later that same day. Every expected list is worked out by hand.
 *
 * 2026-03: no holidays; PAST is Wednesday 03-11 10:00 (t = 03-11); counting starts the day after
 * acceptance, a suspension from S removes the days after S, the default policy is yellow on the last day.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, caseNos, concluded, fee, listAll, postAccepted, q, resumed, setUpCatalog, stage, suspended, verdictAt } from '../support/api-fixtures.ts';

const D = 'D-LP';
const PAST = '2026-03-11T10:00:00+08:00';
const NOW = '2026-03-20T10:00:00+08:00';
const at = (day: string, time: string) => `2026-03-${day}T${time}:00+08:00`;

const EVENTS = [
  // Yellow then (due 03-11), concluded after: concluded now with the deadline on t.
  accepted('L-YEL-CONC', at('06', '09:00'), 'W3', D), concluded('L-YEL-CONC', at('12', '10:00')),
  // Yellow then, suspended later that day: paused now, the deadline still 03-11 (S itself counts).
  accepted('L-YEL-SUSP', at('06', '09:00'), 'W3', D), suspended('L-YEL-SUSP', at('11', '14:00')),
  // Yellow then while suspended (from its deadline day), resumed after: open now, due 03-11.
  accepted('L-YEL-PAUSED', at('06', '09:00'), 'W3', D), suspended('L-YEL-PAUSED', at('11', '09:00')), resumed('L-YEL-PAUSED', at('13', '09:00')),
  // Green then (due 03-16), suspended after: its deadline pending now.
  accepted('L-GRN-SUSP', at('09', '09:00'), 'W5', D), suspended('L-GRN-SUSP', at('12', '10:00')),
  // Green then, yellow from 03-12 (2 days from 03-10), concluded after.
  accepted('L-GRN-CONC', at('10', '09:00'), 'W5', D, { promisedLimitDays: 2 }), concluded('L-GRN-CONC', at('13', '10:00')),
  // Paused then (1 of 5 days before 03-03), resumed after: due 03-18 now.
  accepted('L-PAU-RES', at('02', '09:00'), 'W5', D), suspended('L-PAU-RES', at('03', '09:00')), resumed('L-PAU-RES', at('12', '09:00')),
  // Paused then, the suspension closed by the conclusion after.
  accepted('L-PAU-CONC', at('02', '09:00'), 'W5', D), suspended('L-PAU-CONC', at('03', '09:00')), concluded('L-PAU-CONC', at('12', '09:00')),
  // Paused then, resumed later that day: 03-03, 03-04, then 03-12, 03-13, 03-16: due 03-16.
  accepted('L-PAU-SAME', at('02', '09:00'), 'W5', D), suspended('L-PAU-SAME', at('04', '09:00')), resumed('L-PAU-SAME', at('11', '15:00')),
  // Paused then and still now, a stage after: its deadline still pending.
  accepted('L-PAU-STILL', at('02', '09:00'), 'W5', D), suspended('L-PAU-STILL', at('03', '09:00')), stage('L-PAU-STILL', at('12', '09:00'), 'review'),
  // Red then (due 03-03, 03-05), suspended or concluded after.
  accepted('L-RED-SUSP', at('02', '09:00'), 'W1', D), suspended('L-RED-SUSP', at('12', '09:00')),
  accepted('L-RED-CONC', at('02', '09:00'), 'W3', D), concluded('L-RED-CONC', at('12', '09:00')),
  // No light then, though changed after: concluded before (a fee after), pending (accepted later that day).
  accepted('L-GONE', at('02', '09:00'), 'W1', D), concluded('L-GONE', at('05', '09:00')), fee('L-GONE', at('12', '09:00')),
  stage('L-PENDING', at('10', '09:00'), 'undertake'), accepted('L-PENDING', at('11', '15:00'), 'W3', D),
  // Nothing after PAST: their cached rows answer.
  accepted('L-FRESH-YEL', at('06', '10:00'), 'W3', D),
  accepted('L-FRESH-GRN', at('11', '08:00'), 'W5', D),
  accepted('L-FRESH-RED', at('02', '10:00'), 'W1', D),
  accepted('L-FRESH-PAU', at('02', '10:00'), 'W5', D), suspended('L-FRESH-PAU', at('05', '10:00')),
];

const EXPECTED = {
  yellow: ['L-FRESH-YEL', 'L-YEL-CONC', 'L-YEL-PAUSED', 'L-YEL-SUSP'],
  green: ['L-FRESH-GRN', 'L-GRN-CONC', 'L-GRN-SUSP'],
  paused: ['L-FRESH-PAU', 'L-PAU-CONC', 'L-PAU-RES', 'L-PAU-SAME', 'L-PAU-STILL'],
  red: ['L-FRESH-RED', 'L-RED-CONC', 'L-RED-SUSP'],
};

describe('integration: light lists at a past instant, of cases changed after it', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    await setUpCatalog(node, { [D]: '行政审批局' }, [
      { itemCode: 'W1', departmentCode: D, legalLimitDays: 5, promisedLimitDays: 1 },
      { itemCode: 'W3', departmentCode: D, legalLimitDays: 10, promisedLimitDays: 3 },
      { itemCode: 'W5', departmentCode: D, legalLimitDays: 20, promisedLimitDays: 5 },
    ]);
    await postAccepted(node, EVENTS);
  });
  after(() => node?.close());

  for (const [light, expected] of Object.entries(EXPECTED)) {
    it(`lists the cases ${light} then, in pages of 1, 2 and 50, with their total`, async () => {
      for (const limit of [1, 2, 50]) {
        expect(caseNos(await listAll(node, `light=${light}&at=${q(PAST)}`, limit)), `pages of ${limit}`).to.deep.equal(expected);
      }
      const counted = await node.api('GET', `/api/v1/cases?light=${light}&at=${q(PAST)}&count=true&limit=1`);
      expect(counted.status).to.equal(200);
      expect(counted.body.total).to.equal(expected.length);
      for (const caseNo of expected) expect((await verdictAt(node, caseNo, PAST)).light, caseNo).to.equal(light);
    });
  }

  it('leaves out the cases changed after it that had no light then', async () => {
    expect((await verdictAt(node, 'L-GONE', PAST)).status).to.equal('concluded');
    expect((await verdictAt(node, 'L-PENDING', PAST)).status).to.equal('pending');
    const listed = caseNos(await listAll(node, `at=${q(PAST)}`));
    expect(listed).to.include.members(['L-GONE', 'L-PENDING']);
    for (const light of Object.keys(EXPECTED)) {
      const ofLight = caseNos(await listAll(node, `light=${light}&at=${q(PAST)}`));
      expect(ofLight, light).to.not.include('L-GONE');
      expect(ofLight, light).to.not.include('L-PENDING');
    }
  });
});

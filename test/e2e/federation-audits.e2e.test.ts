/**
 * End to end: re-supervision with real processes. A province, a city and a county run as
 * `node node/main.ts`, syncing on their schedulers; the province audits the county through the
 * city, first clean, then after the county's database was altered behind its back.
 */
import { expect } from 'chai';
import pg from 'pg';
import { accepted, concluded, postAccepted } from '../support/api-fixtures.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { enrollProcess, waitUntil } from './federation-topology.ts';

const at = (day: string, time = '09:00'): string => `2026-03-${day}T${time}:00+08:00`;

describe('e2e: re-supervision through a city (real processes)', function () {
  this.timeout(120_000);
  const started: NodeProcess[] = [];
  let province: NodeProcess;
  let county: NodeProcess;
  const events = [
    accepted('E2E-AU-1', at('02'), 'I1', 'D1'), concluded('E2E-AU-1', at('05', '15:00')),
    accepted('E2E-AU-2', at('02', '10:00'), 'I1', 'D1'),
    accepted('E2E-AU-3', at('04'), 'I1', 'D1'), concluded('E2E-AU-3', at('16')),
  ];

  before(async () => {
    province = await startNodeProcess({ code: '610000', level: 'province' });
    started.push(province);
    const city = await startNodeProcess({ code: '610200', level: 'city', parentUrl: province.url });
    started.push(city);
    county = await startNodeProcess({ code: '610203', level: 'county', parentUrl: city.url });
    started.push(county);
    await enrollProcess(province, city, 'city');
    await enrollProcess(city, county, 'county');
    expect((await county.api('PUT', '/api/v1/departments/D1', { name: '行政审批服务局' })).status).to.equal(201);
    expect((await county.api('PUT', '/api/v1/items/I1', { name: '事项 I1', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 })).status).to.equal(201);
    await postAccepted(county, events);
    // Nobody triggers a sync: the schedulers carry the county's checkpoint up to the province.
    await waitUntil('the province witnessed the county\'s whole log', started, async (note) => {
      const status = await province.api('GET', '/api/v1/federation/status');
      const witnessed = status.body.children.find((child: { code: string }) => child.code === '610203');
      note(witnessed);
      return witnessed?.lastCheckpoint?.treeSize === events.length ? true : undefined;
    });
  });
  after(async () => {
    await Promise.all(started.map((node) => node.close()));
  });

  const auditMarch = async () => {
    const answer = await province.api('POST', '/api/v1/children/610203/audits?wait=true', { from: '2026-03-01', to: '2026-03-31' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.status, JSON.stringify(answer.body)).to.equal('done');
    return answer.body;
  };

  it('a clean county: every event proves and every verdict recomputes to what it reports', async () => {
    const done = await auditMarch();
    expect(done.witnessed.treeSize).to.equal(events.length);
    expect(done.counts).to.include({ cases: 3, events: 5, proofsVerified: 5, proofsFailed: 0, casesCompared: 3, discrepancies: 0 });
  });

  it('a county whose database was altered after its events were witnessed: the province reports it', async () => {
    const client = new pg.Client({ connectionString: county.database.url });
    await client.connect();
    let leaf: number;
    try {
      const { rows } = await client.query<{ log_index: string }>(`UPDATE case_events SET payload = jsonb_set(payload, '{result}', '"denied"')
        WHERE event_id = $1 RETURNING log_index`, [events[4]!.eventId]);
      leaf = Number(rows[0]!.log_index);
      await client.query("UPDATE cases SET deadline = deadline + 2 WHERE case_no = 'E2E-AU-2'");
    } finally {
      await client.end();
    }
    const done = await auditMarch();
    expect(done.proofFailures).to.deep.equal([{ leafIndex: leaf, caseNo: 'E2E-AU-3', eventId: events[4]!.eventId, problem: 'INCLUSION_FAILED' }]);
    expect(done.discrepancies.map((found: { caseNo: string }) => found.caseNo)).to.satisfy((cases: string[]) => cases.length > 0 && cases.every((caseNo) => caseNo === 'E2E-AU-2'));
    expect(done.discrepancies).to.deep.include({ caseNo: 'E2E-AU-2', field: 'deadline', reported: '2026-03-11', recomputed: '2026-03-09' });
  });
});

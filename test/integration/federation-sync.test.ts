/**
 * Upward sync between a city and a county (in-process nodes on loopback ports): the county's
 * summaries reach the city in signed, chained batches, and the city's rollups equal the county's
 * own figures. The refusal codes of the batch endpoint are in federation-refusals.test.ts.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, concluded, setUpCatalog } from '../support/api-fixtures.ts';
import { enroll } from '../support/federation-fixtures.ts';

describe('integration: federation sync', function () {
  this.timeout(90000);
  let city: TestNode;
  let county: TestNode;

  before(async () => {
    city = await startTestNode({ NODE_CODE: '610200', NODE_LEVEL: 'city' });
    county = await startTestNode({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url, PUBLIC_URL: 'http://127.0.0.1:1' });
    await enroll(city, county, '610203', 'county');
    await setUpCatalog(county, { D1: '行政审批服务局' }, [{ itemCode: 'I1', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 }]);
  });
  after(async () => {
    await county?.close();
    await city?.close();
  });

  it('delivers a signed batch on demand and the city sums it in its rollups', async () => {
    const events = [
      accepted('S-1', '2026-03-02T09:00:00+08:00', 'I1', 'D1'),
      accepted('S-2', '2026-03-02T10:00:00+08:00', 'I1', 'D1'),
      concluded('S-2', '2026-03-03T10:00:00+08:00'),
    ];
    expect((await county.api('POST', '/api/v1/events', { events })).body.accepted).to.equal(3);
    county.setNow('2026-03-04T12:00:00+08:00');
    const run = await county.api('POST', '/api/v1/federation/sync?wait=true');
    expect(run.status, JSON.stringify(run.body)).to.equal(200);
    expect(run.body.result, JSON.stringify(run.body.result)).to.include({ delivered: 1, pending: 0 });
    expect(run.body.result.built.sequence).to.equal(1);

    const rollup = await city.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=node');
    expect(rollup.status, JSON.stringify(rollup.body)).to.equal(200);
    const countyRow = rollup.body.items.find((item: { key: string }) => item.key === '610203');
    expect(countyRow).to.include({ accepted: 2, concluded: 1, onTime: 1, early: 1, late: 0 });
    const own = await county.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=node');
    expect(own.body.totals).to.deep.equal(rollup.body.totals);

    const status = await county.api('GET', '/api/v1/federation/status');
    expect(status.body.parent).to.include({ code: '610200', lastAcknowledgedSequence: 1, pendingBatches: 0 });
    const cityStatus = await city.api('GET', '/api/v1/federation/status');
    expect(cityStatus.body.children[0]).to.include({ code: '610203', lastSequence: 1 });
    // The checkpoint the city witnessed covers the county's three events.
    expect(cityStatus.body.children[0].lastCheckpoint.treeSize).to.equal(3);
    expect(status.body.node.treeSize).to.equal(3);
    expect(status.body.parent.witnessedTreeSize).to.equal(3);
  });

  it('sends nothing when nothing changed, and only the changed rows afterwards', async () => {
    const idle = await county.api('POST', '/api/v1/federation/sync?wait=true');
    expect(idle.body.result.built).to.equal(null);
    await county.api('POST', '/api/v1/events', { events: [concluded('S-1', '2026-03-04T11:00:00+08:00')] });
    const next = await county.api('POST', '/api/v1/federation/sync?wait=true');
    expect(next.body.result.built.sequence).to.equal(2);
    expect(next.body.result.delivered).to.equal(1);
    const rollup = await city.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=node&node=610203');
    expect(rollup.body.totals).to.include({ accepted: 2, concluded: 2, onTime: 2 });
    // The second batch grew the witnessed log from 3 to 4 leaves through a consistency proof.
    const cityStatus = await city.api('GET', '/api/v1/federation/status');
    expect(cityStatus.body.children[0]).to.include({ lastSequence: 2 });
    expect(cityStatus.body.children[0].lastCheckpoint.treeSize).to.equal(4);
  });
});

/**
 * Key rotation across a link: after either side rotates, the next sync still verifies, because the
 * new keys travel in an announcement signed by the key the other side pinned; messages signed under
 * the old key stay verifiable.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, setUpCatalog } from '../support/api-fixtures.ts';
import { enroll } from '../support/federation-fixtures.ts';

describe('integration: federation key rotation', function () {
  this.timeout(90000);
  let city: TestNode;
  let county: TestNode;

  before(async () => {
    city = await startTestNode({ NODE_CODE: '610200', NODE_LEVEL: 'city' });
    county = await startTestNode({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url });
    await enroll(city, county, '610203', 'county');
    await setUpCatalog(county, { D1: '行政审批服务局' }, [{ itemCode: 'I1', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 }]);
  });
  after(async () => {
    await county?.close();
    await city?.close();
  });

  const sync = async (n: number) => {
    await county.api('POST', '/api/v1/events', { events: [accepted(`R-${n}`, '2026-03-02T09:00:00+08:00', 'I1', 'D1')] });
    const run = await county.api('POST', '/api/v1/federation/sync?wait=true');
    expect(run.status, JSON.stringify(run.body)).to.equal(200);
    return run.body.result as { delivered: number; pending: number; error: unknown };
  };
  const pinnedKidsOfCounty = async () => (await city.api('GET', '/api/v1/children')).body.items.find((c: { code: string }) => c.code === '610203').kids as string[];

  it('accepts the batch of a child that rotated, pinning its new key from the announcement', async () => {
    expect(await sync(1)).to.include({ delivered: 1, pending: 0 });
    const before = await pinnedKidsOfCounty();
    const rotated = await county.api('POST', '/api/v1/federation/keys/rotate');
    const newKid = rotated.body.currentKid as string;
    expect(before).to.not.include(newKid);

    expect(await sync(2)).to.include({ delivered: 1, pending: 0, error: null });
    const after = await pinnedKidsOfCounty();
    expect(after).to.include.members([...before, newKid]);
    const status = await city.api('GET', '/api/v1/federation/status');
    expect(status.body.children[0].lastSequence).to.equal(2);
  });

  it('accepts the receipt of a parent that rotated', async () => {
    const rotated = await city.api('POST', '/api/v1/federation/keys/rotate');
    expect(await sync(3)).to.include({ delivered: 1, pending: 0, error: null });
    // The receipt of batch 3 is signed under the city's new key: the county checked it and moved on.
    const parent = (await county.api('GET', '/api/v1/federation/status')).body.parent;
    expect(parent).to.include({ lastAcknowledgedSequence: 3, pendingBatches: 0, lastError: null });
    const cityKeys = await (await fetch(`${city.url}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
    expect(cityKeys.keys.map((k) => k.kid)).to.include(rotated.body.currentKid);
  });
});

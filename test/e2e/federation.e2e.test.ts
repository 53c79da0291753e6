/**
 * End to end: a province, a city and two counties as four real node processes on loopback,
 * enrolled through their APIs. Cases go into the counties; the schedulers alone (every second)
 * carry them up; the city's and the province's rollups must equal the sums of the counties' own,
 * and the province must have verified each county's batches itself.
 */
import { expect } from 'chai';
import { accepted, concluded, notAccepted, postAccepted } from '../support/api-fixtures.ts';
import {
  CITY, COUNTY_A, COUNTY_B, PROVINCE, SHARED_ITEM, expectConverged, startTopology, statusOf, waitUntil, type Topology,
} from './federation-topology.ts';

const at = (day: string, time = '09:00'): string => `2026-03-${day}T${time}:00+08:00`;

describe('e2e: four-node federation (real processes)', function () {
  this.timeout(120_000);
  let topology: Topology;

  before(async () => {
    topology = await startTopology();
  });
  after(async () => {
    await topology?.close();
  });

  it('enrolled every link through the APIs', async () => {
    const { province, city, countyA, countyB } = topology;
    expect((await statusOf(city)).parent).to.include({ code: PROVINCE, url: province.url });
    for (const county of [countyA, countyB]) expect((await statusOf(county)).parent).to.include({ code: CITY, url: city.url });
    const children = (await statusOf(city)).children.map((child: { code: string; relation: string; enrolled: boolean }) => [child.code, child.relation, child.enrolled]);
    expect(children).to.deep.equal([[COUNTY_A, 'child', true], [COUNTY_B, 'child', true]]);
  });

  it('carries both counties up on the schedule: city and province rollups equal the sums of the counties', async () => {
    const { province, city, countyA, countyB } = topology;
    const a = (n: number): string => `${COUNTY_A}-E2E-${n}`;
    const b = (n: number): string => `${COUNTY_B}-E2E-${n}`;
    // 610203: 5 working-day item (deadline 03-09 for 03-02), and a 即办件.
    await postAccepted(countyA, [
      accepted(a(1), at('02'), SHARED_ITEM, `${COUNTY_A}-SPJ`), concluded(a(1), at('05', '15:00')), // early
      accepted(a(2), at('02', '10:00'), SHARED_ITEM, `${COUNTY_A}-SPJ`), concluded(a(2), at('16')), // late: yellow 03-10, red 03-13
      accepted(a(3), at('03'), `${COUNTY_A}-QR-001`, `${COUNTY_A}-SCJ`), concluded(a(3), at('03', '11:00')), // 即办件 on time
      notAccepted(a(4), at('04'), SHARED_ITEM, `${COUNTY_A}-SPJ`),
      accepted(a(5), at('04'), SHARED_ITEM, `${COUNTY_A}-SPJ`), // still open: deadline 03-11, yellow 03-12, red 03-17
    ]);
    await postAccepted(countyB, [
      accepted(b(1), at('02'), SHARED_ITEM, `${COUNTY_B}-SPJ`), concluded(b(1), at('09')), // on the deadline
      accepted(b(2), at('05'), `${COUNTY_B}-QR-001`, `${COUNTY_B}-SCJ`), concluded(b(2), at('05', '16:00')), // 即办件
      accepted(b(3), at('10'), SHARED_ITEM, `${COUNTY_B}-SPJ`), // still open: deadline 03-17, yellow 03-18, red 03-23
    ]);

    // Nobody triggers a sync: the schedulers (SYNC_INTERVAL_SECONDS=1) must do it.
    await waitUntil('the province rolls up both counties by node', topology.all, async (note) => {
      const answer = await province.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=node');
      note(answer.body);
      const keys = (answer.body.items as { key: string }[]).map((item) => item.key);
      return keys.includes(COUNTY_A) && keys.includes(COUNTY_B) ? true : undefined;
    });
    const own = await expectConverged(topology, {
      [COUNTY_A]: { accepted: 4, notAccepted: 1, concluded: 3, onTime: 2, early: 1, late: 1, yellowCards: 2, redCards: 2 },
      [COUNTY_B]: { accepted: 3, notAccepted: 0, concluded: 2, onTime: 2, early: 0, late: 0, yellowCards: 1, redCards: 1 },
    });

    // The exact figures, read at the province by node: each county as it reports itself.
    const byNode = (await province.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=node')).body;
    expect(byNode.items.map((item: { key: string }) => item.key)).to.deep.equal([COUNTY_A, COUNTY_B]);
    expect(byNode.items[0]).to.deep.equal({ key: COUNTY_A, ...own[COUNTY_A]!.totals });
    expect(byNode.items[1]).to.deep.equal({ key: COUNTY_B, ...own[COUNTY_B]!.totals });
    expect(byNode.totals).to.include({ accepted: 7, notAccepted: 1, concluded: 5, onTime: 4, early: 1, late: 1, yellowCards: 3, redCards: 3 });
    // The shared national item code adds up across the two counties.
    const byItem = (await city.api('GET', '/api/v1/rollups?from=2026-03-01&to=2026-03-31&groupBy=item')).body;
    expect(byItem.items.find((item: { key: string }) => item.key === SHARED_ITEM)).to.include({ accepted: 5, notAccepted: 1, concluded: 3 });
  });

  it('lets the province verify each county batch directly (counties are its descendants, with checkpoints)', async () => {
    const { province, countyA, countyB } = topology;
    for (const county of [countyA, countyB]) {
      const own = await statusOf(county);
      await waitUntil(`the province has witnessed ${county.code}'s latest checkpoint`, topology.all, async (note) => {
        const seen = (await statusOf(province)).children.find((child: { code: string }) => child.code === county.code);
        note(seen);
        return seen?.lastCheckpoint?.treeSize === own.node.treeSize ? seen : undefined;
      });
      const seen = (await statusOf(province)).children.find((child: { code: string }) => child.code === county.code);
      expect(seen).to.include({ relation: 'descendant', parentCode: CITY, level: 'county', enrolled: true });
      expect(seen.lastSequence).to.be.at.least(1);
      expect(seen.lastCheckpoint.rootHash).to.match(/^[0-9a-f]{64}$/);
      expect(own.parent).to.include({ pendingBatches: 0, lastError: null });
      expect(own.node.treeSize, 'the county logged its events').to.be.greaterThan(0);
    }
    const cityRow = (await statusOf(province)).children.find((child: { code: string }) => child.code === CITY);
    expect(cityRow).to.include({ relation: 'child', level: 'city', enrolled: true });
    expect(cityRow.lastSequence).to.be.at.least(1);
  });
});

/**
 * End to end, policy reaching a county: a province, a city and a county as real node processes
 * (support/node-process.ts), enrolled through their APIs, syncing on their own schedulers every
 * second. The province sets a 2027 calendar and the time-limit policy; nobody triggers a sync, yet
 * the county ends up with both, shows the province as their source, judges its case by them, and
 * refuses to change them.
 *
 * Case PE-1 at the county (item W5: 5 working days), accepted Monday 2026-03-02: counting days
 * 03-03 .. 03-09 (deadline). On Thursday 03-05 two remain (03-06, 03-09): green under the default
 * policy, yellow under the province's yellowAtRemainingDays 2.
 */
import { expect } from 'chai';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { CITY, PROVINCE, enrollProcess, waitUntil } from './federation-topology.ts';

const COUNTY = '610203';
const CALENDAR_2027 = { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-01-09'], source: '2027 年节假日安排 (e2e)' };
const POLICY = { yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 5 };
const AT = encodeURIComponent('2026-03-05T10:00:00+08:00');

describe('e2e: policy reaching a county (real processes)', function () {
  this.timeout(120_000);
  const nodes: NodeProcess[] = [];
  let province: NodeProcess;
  let county: NodeProcess;

  before(async () => {
    province = await startNodeProcess({ code: PROVINCE, level: 'province', name: '陕西省' });
    nodes.push(province);
    const city = await startNodeProcess({ code: CITY, level: 'city', name: '铜川市', parentUrl: province.url });
    nodes.push(city);
    county = await startNodeProcess({ code: COUNTY, level: 'county', name: '印台区', parentUrl: city.url });
    nodes.push(county);
    await enrollProcess(province, city, 'city');
    await enrollProcess(city, county, 'county');
    await setUpCatalog(county, { D1: '行政审批服务局' }, [{ itemCode: 'W5', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 }]);
    await postAccepted(county, [accepted('PE-1', '2026-03-02T09:00:00+08:00', 'W5', 'D1')]);
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('arrives at the county on the schedule, signed by the province, and the county judges by it', async () => {
    expect((await county.api('GET', `/api/v1/cases/PE-1?at=${AT}`)).body.light).to.equal('green');
    const calendar = await province.api('PUT', '/api/v1/calendars/2027', CALENDAR_2027);
    expect(calendar.status, JSON.stringify(calendar.body)).to.equal(201);
    const policy = await province.api('PUT', '/api/v1/policy', POLICY);
    expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
    const provinceKid = (await province.api('GET', '/api/v1/federation/status')).body.node.kid;
    expect([calendar.body.issuer, calendar.body.kid, policy.body.kid]).to.deep.equal([PROVINCE, provinceKid, provinceKid]);

    // Nobody triggers a sync: the city's and then the county's schedulers carry it down.
    const held = await waitUntil('the county holds the province\'s policy and 2027 calendar', nodes, async (note) => {
      const [year, rules] = [await county.api('GET', '/api/v1/calendars/2027'), await county.api('GET', '/api/v1/policy')];
      note({ calendar: year.body, policy: rules.body });
      return year.body.issuer === PROVINCE && rules.body.issuer === PROVINCE ? { year: year.body, rules: rules.body } : undefined;
    });
    expect(held.year).to.deep.include({ ...CALENDAR_2027, issuer: PROVINCE, kid: provinceKid, signedAt: calendar.body.signedAt });
    expect(held.rules).to.deep.include({ ...POLICY, issuer: PROVINCE, kid: provinceKid, signedAt: policy.body.signedAt });
    expect((await county.api('GET', `/api/v1/cases/PE-1?at=${AT}`)).body).to.deep.include({ deadline: '2026-03-09', remainingDays: 2, light: 'yellow' });
  });

  it('is refused when the county tries to change it', async () => {
    const answer = await county.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 4 });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(409);
    expect(answer.body.error).to.deep.include({ code: 'POLICY_ISSUED_ABOVE', details: { issuer: PROVINCE, kind: 'timePolicy' } });
    expect((await county.api('GET', '/api/v1/policy')).body).to.deep.include(POLICY);
  });
});

/**
 * Re-supervision (再监察) with in-process nodes: a province 610000, a city 610200 and a county
 * 610203. The city audits its county and the province audits the county through the city: every
 * event must prove against the checkpoint the auditor witnessed, every verdict must recompute to
 * what the county reports. Then the county's database is altered behind its back (an event, and a
 * cached case row) and both audits must report it. Requests that are not the parent's are refused.
 */
import { expect } from 'chai';
import { presentInstant } from '../../federation/protocol/present-instant.ts';
import pg from 'pg';
import { withClient } from '../support/test-database.ts';
import type { TestNode } from '../support/test-node.ts';
import { accepted, concluded, notAccepted, postAccepted, resumed, setUpCatalog, suspended } from '../support/api-fixtures.ts';
import { enroll, startAt, sync } from '../support/federation-fixtures.ts';
import { NodeIdentity } from '../../federation/identity/node-identity.ts';
import { NodeKeyRing, NodeSigningKey } from '../../federation/keys/node-keys.ts';
import { signMessage } from '../../federation/keys/signed-message.ts';
import { poolRunner } from '../../node/core/db.ts';
import type { AuditRequestPayload } from '../../federation/audit/audit-types.ts';

const NOW = '2026-03-10T12:00:00+08:00';
const at = (day: string, time = '09:00'): string => `2026-03-${day}T${time}:00+08:00`;
const KEY_SECRET = 'test-node-key-secret-0123456789'; // test-node.ts's NODE_KEY_SECRET

/** Starts an audit (202), then follows it until it is done or failed. */
async function audit(auditor: TestNode, code: string, body: Record<string, unknown>) {
  const started = await auditor.api('POST', `/api/v1/children/${code}/audits`, body);
  expect(started.status, JSON.stringify(started.body)).to.equal(202);
  expect(started.body).to.include({ node: code, status: 'queued' });
  const until = Date.now() + 30_000;
  for (;;) {
    const answer = await auditor.api('GET', `/api/v1/children/${code}/audits/${started.body.id}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    if (answer.body.status === 'done' || answer.body.status === 'failed') return answer.body;
    if (Date.now() > until) throw new Error(`audit still ${answer.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const onDatabase = <T>(node: TestNode, work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(node.database.url, work);

describe('integration: re-supervision (federation audits)', function () {
  this.timeout(120000);
  let province: TestNode;
  let city: TestNode;
  let county: TestNode;
  let countyTreeSize: number;
  const events = [
    accepted('AU-1', at('02'), 'I1', 'D1'), concluded('AU-1', at('05', '15:00')), // early
    accepted('AU-2', at('02', '10:00'), 'I1', 'D1'), // open: deadline 03-09, red on 03-10
    accepted('AU-3', at('03'), 'I1', 'D1', { promisedLimitDays: 8 }), // the event's own limit
    accepted('AU-4', at('03'), 'I2', 'D2'), suspended('AU-4', at('04')), resumed('AU-4', at('06')),
    notAccepted('AU-5', at('04'), 'I2', 'D2'),
    accepted('AU-6', '2026-02-10T09:00:00+08:00', 'I1', 'D1'), concluded('AU-6', '2026-02-12T09:00:00+08:00'), // February
  ];

  before(async () => {
    province = await startAt({ NODE_CODE: '610000', NODE_LEVEL: 'province' });
    city = await startAt({ NODE_CODE: '610200', NODE_LEVEL: 'city', PARENT_URL: province.url });
    county = await startAt({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url });
    for (const node of [province, city, county]) node.setNow(NOW);
    await enroll(province, city, '610200', 'city');
    await enroll(city, county, '610203', 'county');
    await setUpCatalog(county, { D1: '行政审批服务局', D2: '市场监督管理局' }, [
      { itemCode: 'I1', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 },
      { itemCode: 'I2', departmentCode: 'D2', legalLimitDays: 5, promisedLimitDays: 3 },
    ]);
    await postAccepted(county, events);
    await sync(county); // the city witnesses the county's log
    await sync(city); // the province witnesses it too, from the batch the city forwards
    countyTreeSize = (await county.api('GET', '/api/v1/federation/status')).body.node.treeSize;
    expect(countyTreeSize).to.equal(events.length);
  });
  after(async () => {
    await county?.close();
    await city?.close();
    await province?.close();
  });

  it('a city audits its county: every event proves and every verdict recomputes to what the county reports', async () => {
    const done = await audit(city, '610203', { from: '2026-03-01', to: '2026-03-31' });
    expect(done.status, JSON.stringify(done)).to.equal('done');
    expect(done).to.include({ node: '610203', from: '2026-03-01', to: '2026-03-31', departmentCode: null, error: null, at: presentInstant(NOW) });
    expect(done.witnessed.treeSize).to.equal(countyTreeSize);
    expect(done.counts).to.deep.equal({
      pages: 1, cases: 5, events: 8, proofsVerified: 8, proofsFailed: 0, casesCompared: 5, casesSkipped: 0,
      casesWithDiscrepancies: 0, discrepancies: 0, findings: 10, liveAlerts: 10, alertDiscrepancies: 0, truncated: false,
    });
    expect(done.discrepancies).to.deep.equal([]);
    expect(done.proofFailures).to.deep.equal([]);
    expect(done.skipped).to.deep.equal([]);

    const listed = await city.api('GET', '/api/v1/children/610203/audits');
    expect(listed.body.items.map((item: { id: string }) => item.id)).to.include(done.id);
    expect(listed.body.items[0]).to.not.have.property('discrepancies');
  });

  it('selects by the local date of occurredAt, one department, in pages', async () => {
    const february = await audit(city, '610203', { from: '2026-02-01', to: '2026-02-28' });
    expect(february.counts).to.include({ cases: 1, events: 2, proofsVerified: 2, discrepancies: 0 });
    const d2 = await audit(city, '610203', { from: '2026-03-01', to: '2026-03-31', departmentCode: 'D2', pageSize: 1 });
    expect(d2.status, JSON.stringify(d2)).to.equal('done');
    expect(d2.counts).to.include({ pages: 2, cases: 2, events: 4, proofsVerified: 4, casesCompared: 2, discrepancies: 0 });
  });

  it('the province audits the county through the city (?wait=true answers the finished audit)', async () => {
    const answer = await province.api('POST', '/api/v1/children/610203/audits?wait=true', { from: '2026-03-01', to: '2026-03-31', requestedBy: '省监察员' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.include({ status: 'done', node: '610203', requestedBy: '省监察员' });
    expect(answer.body.witnessed.treeSize).to.equal(countyTreeSize);
    expect(answer.body.counts).to.include({ cases: 5, events: 8, proofsVerified: 8, proofsFailed: 0, casesCompared: 5, discrepancies: 0 });
  });

  it('refuses what cannot be audited: not a descendant, nothing witnessed, a bad range', async () => {
    const stranger = await city.api('POST', '/api/v1/children/610999/audits', { from: '2026-03-01', to: '2026-03-31' });
    expect(stranger.status).to.equal(404);
    expect(stranger.body.error.code).to.equal('UNKNOWN_NODE');
    // The city's own log is empty: the province has witnessed nothing to audit against.
    const empty = await province.api('POST', '/api/v1/children/610200/audits', { from: '2026-03-01', to: '2026-03-31' });
    expect(empty.status, JSON.stringify(empty.body)).to.equal(409);
    expect(empty.body.error.code).to.equal('NOTHING_WITNESSED');
    const backwards = await city.api('POST', '/api/v1/children/610203/audits', { from: '2026-03-31', to: '2026-03-01' });
    expect(backwards.status).to.equal(400);
    const malformed = await city.api('POST', '/api/v1/children/610203/audits', { from: '2026-02-30', to: '2026-03-01' });
    expect(malformed.status).to.equal(400);
    const missing = await city.api('GET', '/api/v1/children/610203/audits/00000000-0000-4000-8000-000000000000');
    expect(missing.status).to.equal(404);
  });

  it("the province audits the city's own cases directly", async () => {
    await setUpCatalog(city, { C1: '市行政审批服务局' }, [{ itemCode: 'CI1', departmentCode: 'C1', legalLimitDays: 10, promisedLimitDays: 3 }]);
    await postAccepted(city, [accepted('CITY-1', at('03'), 'CI1', 'C1'), concluded('CITY-1', at('09'))]); // late: deadline 03-06
    await sync(city);
    const done = await audit(province, '610200', { from: '2026-03-01', to: '2026-03-31' });
    expect(done.status, JSON.stringify(done)).to.equal('done');
    expect(done.witnessed.treeSize).to.equal(2);
    expect(done.counts).to.include({ cases: 1, events: 2, proofsVerified: 2, casesCompared: 1, discrepancies: 0 });
  });

  it('an audit through a city that cannot reach the county fails, naming the relay (RELAY_FAILED)', async () => {
    const setUrl = (url: string) => onDatabase(city, (client) => client.query("UPDATE federation_nodes SET public_url = $1 WHERE code = '610203'", [url]));
    await setUrl('http://127.0.0.1:1');
    try {
      const failed = await audit(province, '610203', { from: '2026-03-01', to: '2026-03-31' });
      expect(failed.status).to.equal('failed');
      expect(failed.error).to.match(/^RELAY_FAILED: .*PEER_UNREACHABLE/);
      expect(failed.finishedAt).to.be.a('string');
    } finally {
      await setUrl(county.url);
    }
  });

  describe('signed requests', () => {
    let cityIdentity: NodeIdentity;
    const request = (overrides: Partial<AuditRequestPayload> = {}): AuditRequestPayload => ({
      auditor: '610200', node: '610203', from: '2026-03-01', to: '2026-03-31', departmentCode: null, treeSize: countyTreeSize,
      at: new Date(NOW).toISOString(), after: null, limit: 10, nonce: `nonce-${Math.random().toString(36).slice(2)}-0123456789abcdef`,
      time: new Date(NOW).toISOString(), ...overrides,
    });
    const post = (node: TestNode, jws: string) => node.api('POST', '/federation/v1/audits', { request: jws });

    before(async () => {
      // The city's own keys, opened from its database: the test speaks as the city.
      cityIdentity = await NodeIdentity.open(poolRunner(city.node.orm), KEY_SECRET, new Date(NOW));
    });

    it('answers its parent once per nonce, and only near its own clock', async () => {
      const jws = await cityIdentity.sign('sv-audit-request+jws', request());
      const first = await post(county, jws);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body.response).to.be.a('string');
      const again = await post(county, jws);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('REPLAYED');
      const stale = await post(county, await cityIdentity.sign('sv-audit-request+jws', request({ time: '2026-03-10T03:30:00.000Z' })));
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal('STALE_REQUEST');
      const tooBig = await post(county, await cityIdentity.sign('sv-audit-request+jws', request({ treeSize: countyTreeSize + 1 })));
      expect(tooBig.status).to.equal(409);
      expect(tooBig.body.error.code).to.equal('TREE_SIZE_UNKNOWN');
    });

    it('refuses a request signed by an unknown key, one from a node that is not its parent, and a relay that changes the request', async () => {
      const stranger = new NodeKeyRing(await NodeSigningKey.generate(new Date(NOW)));
      const forged = await signMessage(stranger, 'sv-audit-request+jws', request());
      const unknownKey = await post(county, forged);
      expect(unknownKey.status, JSON.stringify(unknownKey.body)).to.equal(401);
      expect(unknownKey.body.error.code).to.equal('UNKNOWN_KEY');
      // The same forgery sent to the city for relaying never reaches the county.
      const viaCity = await post(city, await signMessage(stranger, 'sv-audit-request+jws', request({ auditor: '610000' })));
      expect(viaCity.status).to.equal(401);
      expect(viaCity.body.error.code).to.equal('UNKNOWN_KEY');

      const notParent = await post(county, await signMessage(stranger, 'sv-audit-request+jws', request({ auditor: '610000' })));
      expect(notParent.status).to.equal(403);
      expect(notParent.body.error.code).to.equal('UNKNOWN_NODE');

      const original = await signMessage(stranger, 'sv-audit-request+jws', request({ auditor: '610000', from: '2026-01-01' }));
      const altered = await post(county, await cityIdentity.sign('sv-audit-request+jws', request({ relayedFor: original })));
      expect(altered.status).to.equal(400);
      expect(altered.body.error.code).to.equal('MALFORMED');
      expect(altered.body.error.details.fields).to.deep.equal(['from', 'nonce']);
    });
  });

  describe('after the county database was altered behind its back', () => {
    let tamperedLeaf: number;
    let tamperedEventId: string;

    before(async () => {
      await onDatabase(county, async (client) => {
        // AU-1's conclusion moved a day later in the stored event; the witnessed leaf still has the original.
        tamperedEventId = events[1]!.eventId;
        const { rows } = await client.query<{ log_index: string }>(`UPDATE case_events
          SET payload = jsonb_set(payload, '{occurredAt}', '"2026-03-06T15:00:00+08:00"') WHERE event_id = $1 RETURNING log_index`, [tamperedEventId]);
        tamperedLeaf = Number(rows[0]!.log_index);
        // AU-2's cached deadline pushed two days back: its light on 03-10 turns from red to yellow.
        const changed = await client.query("UPDATE cases SET deadline = deadline + 2 WHERE case_no = 'AU-2'");
        expect(changed.rowCount).to.equal(1);
      });
    });

    const expectFindings = (done: Record<string, any>): void => {
      expect(done.status, JSON.stringify(done)).to.equal('done');
      expect(done.proofFailures).to.deep.equal([{ leafIndex: tamperedLeaf, caseNo: 'AU-1', eventId: tamperedEventId, problem: 'INCLUSION_FAILED' }]);
      expect(done.skipped).to.deep.equal([{ caseNo: 'AU-1', reason: 'proofFailed' }]);
      expect(done.discrepancies).to.deep.equal([
        { caseNo: 'AU-2', field: 'deadline', reported: '2026-03-11', recomputed: '2026-03-09' },
        { caseNo: 'AU-2', field: 'remainingDays', reported: 1, recomputed: 0 },
        { caseNo: 'AU-2', field: 'overdueDays', reported: 0, recomputed: 1 },
        { caseNo: 'AU-2', field: 'light', reported: 'yellow', recomputed: 'red' },
      ]);
      expect(done.counts).to.include({
        cases: 5, events: 8, proofsVerified: 7, proofsFailed: 1, casesCompared: 4, casesSkipped: 1, casesWithDiscrepancies: 1, discrepancies: 4,
      });
    };

    it('the county goes on telling the altered story: its yellow list now holds AU-2', async () => {
      const yellow = await county.api('GET', `/api/v1/cases?light=yellow&at=${encodeURIComponent(NOW)}`);
      expect(yellow.status).to.equal(200);
      expect(yellow.body.items.map((item: { caseNo: string }) => item.caseNo)).to.include('AU-2');
    });

    it("the city's audit reports the altered event as a proof failure and the altered case as discrepancies", async () => {
      expectFindings(await audit(city, '610203', { from: '2026-03-01', to: '2026-03-31' }));
    });

    it("the province's audit through the city reports the same", async () => {
      expectFindings(await audit(province, '610203', { from: '2026-03-01', to: '2026-03-31' }));
    });
  });
});

/**
 * Downward policy, policy reaching a county (in-process nodes on loopback ports): province 610000
 * -> city 610200 -> county 610203. The province sets a 2027 calendar and the time-limit policy,
 * which it signs; the city takes them with its sync and hands them on to the county with its own;
 * the county verifies both signatures, applies, recomputes, shows the province as the source, and
 * refuses to change them locally. The county talks to the city through a proxy that can replace
 * the city's bundle, to show that a forged bundle or policy is refused and changes nothing.
 *
 * Case PD-1 at the county (item W5: 5 working days), accepted Monday 2026-12-28:
 *   no 2027 calendar (Monday-Friday): 12-29, 12-30, 12-31, Fri 01-01, Mon 01-04 = deadline;
 *   the province's 2027 (01-01..01-03 holidays): 12-29, 12-30, 12-31, 01-04, 01-05 = deadline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, clock, postAccepted, setUpCatalog, verdictAt, yellowCard } from '../support/api-fixtures.ts';
import { identityOf, stranger, withAlteredSignature, withTamperedPayload } from '../support/federation-messages.ts';
import { peekPayload } from '../../federation/sync/verify.ts';
import { TYP } from '../../federation/sync/message-types.ts';
import type { PolicyBundlePayload } from '../../federation/policy/policy-messages.ts';
import { enroll } from '../support/federation-fixtures.ts';
import { DEFAULT_TIME_POLICY } from '../../node/timelimits/policy.ts';

const PROVINCE = '610000';
const CITY = '610200';
const COUNTY = '610203';
const CALENDAR_2027 = { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: ['2027-01-09'], source: '国务院办公厅关于2027年部分节假日安排的通知' };
const POLICY_1 = { yellowAtRemainingDays: 1, yellowCardOverdueDays: 2, redCardOverdueDays: 5 };
const POLICY_2 = { yellowAtRemainingDays: 2, yellowCardOverdueDays: 2, redCardOverdueDays: 5 };
const POLICY_3 = { yellowAtRemainingDays: 0, yellowCardOverdueDays: 1, redCardOverdueDays: 3 };
// Schedulers must not sync on their own during the test: every sync here is asked for.
const NO_SCHEDULE = { SYNC_INTERVAL_SECONDS: '86400' };

/** Forwards every request to `target`; `tamper`, when set, replaces the policyBundle of an answer. */
interface TamperingProxy {
  url: string;
  tamper: ((bundle: string) => Promise<string>) | null;
  close(): Promise<void>;
}

async function startProxy(target: () => string): Promise<TamperingProxy> {
  const proxy: TamperingProxy = { url: '', tamper: null, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const answer = await fetch(target() + request.url, {
          method: request.method, headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
          body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
        });
        let text = await answer.text();
        if (proxy.tamper && answer.ok) {
          const parsed = JSON.parse(text) as { policyBundle?: string | null };
          if (typeof parsed.policyBundle === 'string') text = JSON.stringify({ ...parsed, policyBundle: await proxy.tamper(parsed.policyBundle) });
        }
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(text);
      })().catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'PROXY_FAILED', message: String(error), details: {} } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return proxy;
}

describe('integration: downward policy (policy reaching a county)', function () {
  this.timeout(120000);
  let province: TestNode;
  let city: TestNode;
  let county: TestNode;
  let proxy: TamperingProxy;
  let provinceKid: string;
  let signed: { calendar: string; policy: string };

  const sync = async (node: TestNode) => {
    const run = await node.api('POST', '/api/v1/federation/sync?wait=true');
    expect(run.status, JSON.stringify(run.body)).to.equal(200);
    expect(run.body.result.error, JSON.stringify(run.body.result)).to.equal(null);
    return run.body.result;
  };
  const policyOf = async (node: TestNode) => (await node.api('GET', '/api/v1/policy')).body;
  const calendarOf = async (node: TestNode, year: number) => node.api('GET', `/api/v1/calendars/${year}`);
  const pd1 = (instant: string) => verdictAt(county, 'PD-1', instant);

  before(async () => {
    province = await startTestNode({ NODE_CODE: PROVINCE, NODE_LEVEL: 'province', ...NO_SCHEDULE });
    city = await startTestNode({ NODE_CODE: CITY, NODE_LEVEL: 'city', PARENT_URL: province.url, PUBLIC_URL: 'http://127.0.0.1:1', ...NO_SCHEDULE });
    proxy = await startProxy(() => city.url);
    county = await startTestNode({ NODE_CODE: COUNTY, NODE_LEVEL: 'county', PARENT_URL: proxy.url, PUBLIC_URL: 'http://127.0.0.1:1', ...NO_SCHEDULE });
    await enroll(province, city, CITY, 'city');
    await enroll(city, county, COUNTY, 'county');
    city.setNow('2026-12-30T10:00:00+08:00');
    county.setNow('2026-12-30T10:00:00+08:00');
    await setUpCatalog(county, { D1: '行政审批服务局' }, [{ itemCode: 'W5', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 }]);
    await postAccepted(county, [accepted('PD-1', '2026-12-28T09:00:00+08:00', 'W5', 'D1')]);
    provinceKid = (await province.api('GET', '/api/v1/federation/status')).body.node.kid;
  });
  after(async () => {
    await county?.close();
    await proxy?.close();
    await city?.close();
    await province?.close();
  });

  it('judges by Monday-Friday in 2027 and the default policy before anything is issued', async () => {
    expect(clock(await pd1('2027-01-05T10:00:00+08:00'))).to.deep.equal({
      status: 'open', deadline: '2027-01-04', remainingDays: 0, overdueDays: 1, light: 'red', cards: [yellowCard('2027-01-05')], onTime: null, early: null,
    });
    expect(await policyOf(county)).to.deep.include({ source: 'default', issuer: null, kid: null, signedAt: null });
  });

  it('signs the calendar and the policy the province sets, and shows their source', async () => {
    province.setNow('2026-11-20T10:00:00+08:00');
    const calendar = await province.api('PUT', '/api/v1/calendars/2027', CALENDAR_2027);
    expect(calendar.status, JSON.stringify(calendar.body)).to.equal(201);
    expect(calendar.body).to.deep.include({ year: 2027, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T10:00:00.000+08:00' });
    province.setNow('2026-11-20T11:00:00+08:00');
    const policy = await province.api('PUT', '/api/v1/policy', POLICY_1);
    expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
    expect(policy.body).to.deep.include({ ...POLICY_1, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T11:00:00.000+08:00' });
    expect((await calendarOf(province, 2027)).body).to.deep.include({ issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T10:00:00.000+08:00' });
    expect(await policyOf(province)).to.deep.include({ ...POLICY_1, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T11:00:00.000+08:00' });
    // A year the province only loaded from its files is not issued: it shows no issuer.
    expect((await calendarOf(province, 2026)).body).to.deep.include({ issuer: null, kid: null, signedAt: null });
  });

  it('reaches the city with its sync (the answer to its batch carries the bundle)', async () => {
    const result = await sync(city);
    expect(result.delivered).to.equal(1);
    expect(result.policies).to.deep.include({ via: 'answer', error: null });
    expect(result.policies.applied).to.deep.equal([
      { kind: 'calendar', year: 2027, version: 1 }, { kind: 'timePolicy', year: null, version: 1 },
    ]);
    expect((await calendarOf(city, 2027)).body).to.deep.include({ ...CALENDAR_2027, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T10:00:00.000+08:00' });
    expect(await policyOf(city)).to.deep.include({ ...POLICY_1, issuer: PROVINCE, kid: provinceKid });
  });

  it('reaches the county through the city, verified with the province key the city vouches for, and recomputes', async () => {
    const result = await sync(county);
    expect(result.delivered).to.equal(1);
    expect(result.policies).to.deep.include({ via: 'answer', error: null });
    expect(result.policies.applied).to.have.length(2);
    expect(result.policies.recomputed).to.deep.equal({ checked: 1, changed: 1 });
    expect((await calendarOf(county, 2027)).body).to.deep.include({ ...CALENDAR_2027, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T10:00:00.000+08:00' });
    expect(await policyOf(county)).to.deep.include({ ...POLICY_1, issuer: PROVINCE, kid: provinceKid, signedAt: '2026-11-20T11:00:00.000+08:00' });

    // PD-1 is now due 01-05 (01-01 is a holiday): on 01-05 its last day, no card. On 01-04 one day
    // remains, which the province's yellowAtRemainingDays 1 lights yellow.
    expect(clock(await pd1('2027-01-05T10:00:00+08:00'))).to.deep.equal({
      status: 'open', deadline: '2027-01-05', remainingDays: 0, overdueDays: 0, light: 'yellow', cards: [], onTime: null, early: null,
    });
    expect((await pd1('2027-01-04T10:00:00+08:00')).light).to.equal('yellow');
    // Overdue 01-06 and 01-07: the province's yellow card threshold is 2 days.
    expect((await pd1('2027-01-07T10:00:00+08:00')).cards).to.deep.equal([yellowCard('2027-01-07')]);
  });

  it('refuses a PUT below the province on what the province issued, naming the issuer; other years stay local', async () => {
    for (const node of [county, city]) {
      const year = await node.api('PUT', '/api/v1/calendars/2027', { holidays: [], workdays: [] });
      expect(year.status, JSON.stringify(year.body)).to.equal(409);
      expect(year.body.error).to.deep.include({ code: 'POLICY_ISSUED_ABOVE', details: { issuer: PROVINCE, kind: 'calendar', year: 2027 } });
      expect(year.body.error.message).to.contain(PROVINCE);
      const policy = await node.api('PUT', '/api/v1/policy', POLICY_3);
      expect(policy.status, JSON.stringify(policy.body)).to.equal(409);
      expect(policy.body.error).to.deep.include({ code: 'POLICY_ISSUED_ABOVE', details: { issuer: PROVINCE, kind: 'timePolicy' } });
    }
    expect((await calendarOf(county, 2027)).body.holidays).to.deep.equal(CALENDAR_2027.holidays);
    expect(await policyOf(county)).to.deep.include(POLICY_1);
    expect((await pd1('2027-01-05T10:00:00+08:00')).deadline).to.equal('2027-01-05');

    const local = await county.api('PUT', '/api/v1/calendars/2028', { holidays: ['2028-01-03'], workdays: [] });
    expect(local.status, JSON.stringify(local.body)).to.equal(201);
    expect(local.body).to.deep.include({ issuer: null, kid: null, signedAt: null });
  });

  it('reaches a quiet county with its next sync: with no batch due it asks the city for the bundle', async () => {
    province.setNow('2026-11-21T10:00:00+08:00');
    expect((await province.api('PUT', '/api/v1/policy', POLICY_2)).body).to.deep.include({ ...POLICY_2, issuer: PROVINCE, signedAt: '2026-11-21T10:00:00.000+08:00' });
    const cityRun = await sync(city); // forwards the county's first batch, so a batch is due
    expect(cityRun.policies.applied).to.deep.equal([{ kind: 'timePolicy', year: null, version: 2 }]);
    const countyRun = await sync(county);
    expect([countyRun.built, countyRun.delivered]).to.deep.equal([null, 0]);
    expect(countyRun.policies).to.deep.include({ via: 'pull', error: null, applied: [{ kind: 'timePolicy', year: null, version: 2 }] });
    expect(await policyOf(county)).to.deep.include({ ...POLICY_2, issuer: PROVINCE, signedAt: '2026-11-21T10:00:00.000+08:00' });
    // PD-1 on 01-01 (2 counting days left: 01-04, 01-05) is yellow under yellowAtRemainingDays 2.
    expect((await pd1('2027-01-01T10:00:00+08:00')).light).to.equal('yellow');

    // Nothing newer: nothing applied, nothing recomputed.
    const again = await sync(county);
    expect(again.policies).to.deep.include({ via: 'pull', error: null, applied: [], recomputed: { checked: 0, changed: 0 } });
  });

  describe('a forged bundle or policy', () => {
    before(async () => {
      province.setNow('2026-11-22T10:00:00+08:00');
      expect((await province.api('PUT', '/api/v1/policy', POLICY_3)).status).to.equal(200);
      expect((await sync(city)).policies.applied).to.deep.equal([{ kind: 'timePolicy', year: null, version: 3 }]);
      const held = await city.api('POST', '/federation/v1/policies', { node: COUNTY });
      expect(held.status, JSON.stringify(held.body)).to.equal(200);
      const documents = (peekPayload(held.body.policyBundle) as unknown as PolicyBundlePayload).policies;
      signed = {
        calendar: documents.find((jws) => peekPayload(jws).kind === 'calendar')!,
        policy: documents.find((jws) => peekPayload(jws).kind === 'timePolicy')!,
      };
      // The signed body carries every field, those the PUT left out at their defaults.
      expect(peekPayload(signed.policy)).to.deep.include({ version: 3, body: { ...DEFAULT_TIME_POLICY, ...POLICY_3 } });
    });
    afterEach(() => {
      proxy.tamper = null;
    });

    /** The bundle the city sent, re-signed by `signer` after `change`. */
    const resigned = (signer: { sign(typ: string, payload: unknown): Promise<string> }, change: (payload: PolicyBundlePayload) => void) => async (bundle: string) => {
      const payload = peekPayload(bundle) as unknown as PolicyBundlePayload;
      change(payload);
      return signer.sign(TYP.policyBundle, payload);
    };

    const refusals: [string, () => Promise<(bundle: string) => Promise<string>>, string][] = [
      ['a bundle whose signature is altered', async () => async (bundle) => withAlteredSignature(bundle), 'BAD_SIGNATURE'],
      ['a bundle whose payload changed after signing', async () => async (bundle) => withTamperedPayload(bundle, (payload) => {
        payload.policies = [];
      }), 'BAD_SIGNATURE'],
      ['a bundle signed by a key the county never pinned', async () => resigned(await stranger(), () => {}), 'UNKNOWN_KEY'],
      ['a bundle the city signed for another county', async () => resigned(await identityOf(city), (payload) => {
        payload.for = '610204';
      }), 'MALFORMED'],
      ['a province policy whose body changed after signing', async () => resigned(await identityOf(city), (payload) => {
        payload.policies = [withTamperedPayload(signed.policy, (document) => {
          document.body = { ...POLICY_3, redCardOverdueDays: 30 };
        })];
      }), 'BAD_SIGNATURE'],
      ['a policy in the province\'s name signed by another key', async () => {
        const forger = await stranger();
        const forged = await forger.sign(TYP.policy, { ...peekPayload(signed.policy), version: 99, body: { ...POLICY_3, redCardOverdueDays: 30 } });
        return resigned(await identityOf(city), (payload) => {
          payload.policies = [forged];
        });
      }, 'UNKNOWN_KEY'],
      ['a policy the city issued itself', async () => {
        const cityIdentity = await identityOf(city);
        const own = await cityIdentity.sign(TYP.policy, { ...peekPayload(signed.policy), issuer: CITY, version: 99 });
        return resigned(cityIdentity, (payload) => {
          payload.policies = [own];
        });
      }, 'POLICY_ISSUER_INVALID'],
      ['a policy from an issuer the bundle does not vouch for', async () => {
        const forger = await stranger();
        const forged = await forger.sign(TYP.policy, { ...peekPayload(signed.policy), issuer: '620000', version: 99 });
        return resigned(await identityOf(city), (payload) => {
          payload.policies = [forged];
        });
      }, 'POLICY_ISSUER_UNKNOWN'],
    ];

    for (const [what, make, code] of refusals) {
      it(`refuses ${what} (${code}) and changes nothing`, async () => {
        proxy.tamper = await make();
        const before = { policy: await policyOf(county), verdict: await pd1('2027-01-07T10:00:00+08:00') };
        const run = await sync(county);
        expect(run.policies, JSON.stringify(run.policies)).to.deep.include({ via: 'pull', applied: [] });
        expect(run.policies.error?.code, JSON.stringify(run.policies)).to.equal(code);
        expect(await policyOf(county)).to.deep.equal(before.policy);
        expect(before.policy).to.deep.include(POLICY_2);
        expect(await pd1('2027-01-07T10:00:00+08:00')).to.deep.equal(before.verdict);
        const status = await county.api('GET', '/api/v1/federation/status');
        expect(status.body.parent.lastError).to.contain(code);
      });
    }

    it('takes the genuine bundle afterwards', async () => {
      const run = await sync(county);
      expect(run.policies).to.deep.include({ error: null, applied: [{ kind: 'timePolicy', year: null, version: 3 }] });
      expect(await policyOf(county)).to.deep.include({ ...POLICY_3, issuer: PROVINCE, signedAt: '2026-11-22T10:00:00.000+08:00' });
      expect((await pd1('2027-01-07T10:00:00+08:00')).cards).to.deep.equal([yellowCard('2027-01-06')]);
    });
  });

  describe('a rotated province key', () => {
    it('is followed: quiet city and county pin the new key from the announcement and verify with it', async () => {
      const rotated = await province.api('POST', '/api/v1/federation/keys/rotate');
      expect(rotated.status, JSON.stringify(rotated.body)).to.be.oneOf([200, 201]);
      const newKid = (await province.api('GET', '/api/v1/federation/status')).body.node.kid;
      expect(newKid).to.not.equal(provinceKid);
      province.setNow('2026-11-23T10:00:00+08:00');
      const calendar = { ...CALENDAR_2027, holidays: [...CALENDAR_2027.holidays, '2027-01-04'] };
      expect((await province.api('PUT', '/api/v1/calendars/2027', calendar)).body).to.deep.include({ issuer: PROVINCE, kid: newKid });

      const cityRun = await sync(city);
      expect(cityRun.policies).to.deep.include({ via: 'pull', error: null, applied: [{ kind: 'calendar', year: 2027, version: 2 }] });
      const countyRun = await sync(county);
      expect(countyRun.policies).to.deep.include({ via: 'pull', error: null, applied: [{ kind: 'calendar', year: 2027, version: 2 }] });
      expect((await calendarOf(county, 2027)).body).to.deep.include({ holidays: calendar.holidays, issuer: PROVINCE, kid: newKid, signedAt: '2026-11-23T10:00:00.000+08:00' });
      // The policy signed under the old key stays in force and keeps its provenance.
      expect(await policyOf(county)).to.deep.include({ ...POLICY_3, kid: provinceKid });
      // 01-04 is a holiday now: PD-1 counts 12-29, 12-30, 12-31, 01-05, 01-06.
      expect((await pd1('2027-01-06T10:00:00+08:00')).deadline).to.equal('2027-01-06');
    });
  });
});

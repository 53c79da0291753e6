/**
 * A write and its audit entry commit together (node/http/write-transaction.ts): when the entry
 * cannot be written, writes of every kind answer 503 AUDIT_UNAVAILABLE and the database is exactly
 * as it was, nothing is queued, the event-log sequencer has nothing to do and the rules in memory
 * stay; a write that succeeds leaves both its change and its entry; a refused write changes
 * nothing and leaves its refusal entry; failed sign-ins still count toward the lockout. A parent
 * that cannot record an enrollment or a batch from its child keeps neither, nor an audit order.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, setUpCatalog } from '../support/api-fixtures.ts';
import { alertOf, sweepAt, withClockAt } from '../support/alert-fixtures.ts';
import { createUser } from '../support/access-fixtures.ts';
import { changedTables, fingerprint, settledFingerprint, type Fingerprint } from '../support/db-fingerprint.ts';
import { REDIS_URL, TEST_APP_ROLE, withClient } from '../support/test-database.ts';
import type { AuditEntry } from '../../node/audit-trail/audit-chain.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
const NEXT_FRI = '2026-03-13T10:00:00+08:00';
const q = encodeURIComponent;
const POLICY_FIELDS = ['yellowAtRemainingDays', 'yellowCardOverdueDays', 'redCardOverdueDays', 'reportByTime', 'nonWorkingDayReportByTime', 'noticeDueWorkingDays', 'appealWorkingDays'];

/** The PUT body of a policy as GET answers it (without where it came from). */
const policyBody = (answer: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries(answer as Record<string, unknown>).filter(([key]) => POLICY_FIELDS.includes(key)));

describe('integration: a write and its audit entry commit together', function () {
  this.timeout(180_000);
  let node: TestNode;
  let redis: Redis;

  async function entryOf(requestId: string): Promise<AuditEntry | undefined> {
    const answer = await node.api('GET', '/api/v1/audit?limit=500');
    expect(answer.status).to.equal(200);
    return (answer.body.items as AuditEntry[]).find((entry) => entry.requestId === requestId);
  }

  /** How many jobs were ever added to each queue: BullMQ counts every add in `<prefix>:<queue>:id`. */
  async function jobsAdded(of: TestNode = node): Promise<Record<string, number>> {
    const prefix = of.node.settings.queuePrefix;
    const counts: Record<string, number> = {};
    for (const queue of ['imports', 'notify', 'sweep', 'audits', 'sync']) counts[queue] = Number(await redis.get(`${prefix}:${queue}:id`) ?? 0);
    return counts;
  }

  /** The events-ingested counters of /metrics, counted after commit only. */
  async function ingestedMetric(): Promise<string[]> {
    const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${node.node.settings.adminToken ?? ''}` } })).text();
    return text.split('\n').filter((line) => line.startsWith('case_events_total'));
  }

  async function revokeAuditInsert(): Promise<void> {
    await withClient(node.database.url, (client) => client.query(`REVOKE INSERT ON audit_log FROM ${TEST_APP_ROLE}`));
  }

  async function grantAuditInsert(): Promise<void> {
    await withClient(node.database.url, (client) => client.query(`GRANT INSERT ON audit_log TO ${TEST_APP_ROLE}`));
  }

  before(async () => {
    node = await startTestNode({ LOGIN_MAX_FAILURES: '3' });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    node.setNow(MON);
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    const first = await node.api('POST', '/api/v1/events', { events: [accepted('TX-1', MON, 'IT-3', 'GA')] });
    expect(first.body.accepted, JSON.stringify(first.body)).to.equal(1);
    await sweepAt(node, FRI);
    // Due after FRI: a sweep at NEXT_FRI would raise its card (and its notice's notifications).
    const second = await node.api('POST', '/api/v1/events', { events: [accepted('TX-2', FRI, 'IT-3', 'GA')] });
    expect(second.body.accepted, JSON.stringify(second.body)).to.equal(1);
    const contacts = await node.api('PUT', '/api/v1/departments/GA/contacts', { contacts: [{ name: '值班系统', channel: 'webhook', address: 'https://hooks.example.gov.cn/sv', secret: 'webhook-secret-0123456789abcdef' }] });
    expect(contacts.status, JSON.stringify(contacts.body)).to.equal(200);
  });
  after(async () => {
    redis?.disconnect();
    await node?.close();
  });

  describe('when the audit entry cannot be written', () => {
    let before: Fingerprint;
    let queuedBefore: Record<string, number>;
    let metricBefore: string[];
    let policyBefore: unknown;
    let jwksBefore: unknown;

    const expectUnavailable = (answer: { status: number; body: { error?: { code: string; message: string } } }, what: string): void => {
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(503);
      expect(answer.body.error?.code, what).to.equal('AUDIT_UNAVAILABLE');
      expect(answer.body.error?.message, what).to.include('操作未执行').and.to.include('nothing was changed');
    };

    it('every kind of write answers 503 AUDIT_UNAVAILABLE', async () => {
      before = await settledFingerprint(node.database.url);
      queuedBefore = await jobsAdded();
      metricBefore = await ingestedMetric();
      policyBefore = (await node.api('GET', '/api/v1/policy')).body;
      jwksBefore = await (await fetch(`${node.url}/.well-known/jwks.json`)).json();
      const card = await alertOf(node, 'TX-1', 'YELLOW_CARD');

      await revokeAuditInsert();
      try {
        node.setNow('2026-03-09T09:00:00+08:00');
        expectUnavailable(await node.api('POST', '/api/v1/events', { events: [accepted('TX-3', FRI, 'IT-3', 'GA'), accepted('TX-4', FRI, 'IT-3', 'GA')] }), 'events');
        expectUnavailable(await node.api('PUT', '/api/v1/items/IT-3', { name: '改名的事项', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 5 }), 'item');
        expectUnavailable(await node.api('POST', `/api/v1/alerts/${card.id}/explain`, { explanation: '专家评审延误', correction: '已办结' }), 'alert action');
        expectUnavailable(await withClockAt(node, NEXT_FRI, () => node.api('POST', '/api/v1/alerts/sweep')), 'sweep');
        expectUnavailable(await node.api('PUT', '/api/v1/policy', { ...policyBody(policyBefore), yellowAtRemainingDays: 2 }), 'policy');
        expectUnavailable(await node.api('POST', '/api/v1/users', { login: 'tx-new-user', name: '新用户', role: 'supervisor', departments: [], password: 'Kx7#mQ2!vL9@pR4z' }), 'user');
        expectUnavailable(await node.api('POST', '/api/v1/federation/keys/rotate'), 'key rotation');
        expectUnavailable(await node.api('POST', '/api/v1/imports', `${JSON.stringify(accepted('TX-5', FRI, 'IT-3', 'GA'))}\n`, { 'content-type': 'application/x-ndjson' }), 'import');
      } finally {
        await grantAuditInsert();
      }
    });

    it('leaves the database exactly as it was', async () => {
      const now = await fingerprint(node.database.url);
      expect(changedTables(before, now)).to.deep.equal([]);
      // Nor does anything change later: no sequencer run, job or retry was left behind.
      const settled = await settledFingerprint(node.database.url);
      expect(changedTables(before, settled)).to.deep.equal([]);
    });

    it('queues nothing, counts nothing and keeps the rules in force', async () => {
      expect(await jobsAdded()).to.deep.equal(queuedBefore);
      expect(await ingestedMetric()).to.deep.equal(metricBefore);
      expect((await node.api('GET', '/api/v1/policy')).body).to.deep.equal(policyBefore);
      expect((await node.api('GET', '/api/v1/items/IT-3')).body).to.include({ name: '事项 IT-3', promisedLimitDays: 3 });
      // The node signs with the key it had: the rotated one never went in force.
      expect(await (await fetch(`${node.url}/.well-known/jwks.json`)).json()).to.deep.equal(jwksBefore);
    });

    it('a sign-in refused then answers 503 too and opens no session: no attempt goes unrecorded', async () => {
      const user = await createUser(node, { role: 'auditor' });
      await revokeAuditInsert();
      try {
        const wrong = await node.api('POST', '/api/v1/auth/login', { login: user.login, password: 'Wrong#Passw0rd-x' }, { authorization: '' });
        expect(wrong.status).to.equal(503);
        // A right password does not answer either: the caller learns nothing while the trail is down.
        const right = await node.api('POST', '/api/v1/auth/login', { login: user.login, password: user.password }, { authorization: '' });
        expect(right.status).to.equal(503);
      } finally {
        await grantAuditInsert();
      }
      const after = await withClient(node.database.url, async (client) => (await client.query('SELECT count(*)::int AS sessions FROM sessions WHERE user_id = $1', [user.id])).rows[0]);
      expect(after).to.deep.equal({ sessions: 0 });
    });
  });

  describe('when the entry can be written', () => {
    it('a change and its entry are both there', async () => {
      const queued = await jobsAdded();
      const item = await node.api('PUT', '/api/v1/items/IT-3', { name: '改名的事项', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 5 }, { 'x-request-id': 'tx-item' });
      expect(item.status, JSON.stringify(item.body)).to.equal(200);
      expect((await node.api('GET', '/api/v1/items/IT-3')).body).to.include({ name: '改名的事项', promisedLimitDays: 5 });
      expect(await entryOf('tx-item')).to.deep.include({ action: 'PUT /api/v1/items/:itemCode', status: 200 });

      const swept = await withClockAt(node, NEXT_FRI, () => node.api('POST', '/api/v1/alerts/sweep', undefined, { 'x-request-id': 'tx-sweep' }));
      expect(swept.status, JSON.stringify(swept.body)).to.equal(200);
      expect(swept.body.raised).to.be.greaterThan(0);
      expect(await entryOf('tx-sweep')).to.deep.include({ action: 'POST /api/v1/alerts/sweep', status: 200 });
      // The card's notice was notified once the sweep committed: its notification job is queued.
      expect((await jobsAdded()).notify).to.be.greaterThan(queued.notify!);

      const policy = (await node.api('GET', '/api/v1/policy')).body as Record<string, unknown>;
      const changed = await node.api('PUT', '/api/v1/policy', { ...policyBody(policy), yellowAtRemainingDays: 2 }, { 'x-request-id': 'tx-policy' });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect((await node.api('GET', '/api/v1/policy')).body).to.include({ yellowAtRemainingDays: 2, source: 'node' });
      expect(await entryOf('tx-policy')).to.deep.include({ action: 'PUT /api/v1/policy', status: 200 });
      const rotated = await node.api('POST', '/api/v1/federation/keys/rotate');
      expect(rotated.status, JSON.stringify(rotated.body)).to.equal(200);
      const kids = ((await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      expect(kids).to.include(rotated.body.currentKid);
      expect((await node.api('GET', '/api/v1/audit/verify')).body).to.include({ ok: true });
    });

    it('a refused write changes nothing and leaves its refusal entry', async () => {
      const card = await alertOf(node, 'TX-1', 'YELLOW_CARD');
      const explained = await withClockAt(node, '2026-03-09T09:00:00+08:00', () => node.api('POST', `/api/v1/alerts/${card.id}/explain`, { explanation: '专家评审延误', correction: '已办结' }));
      expect(explained.status, JSON.stringify(explained.body)).to.equal(200);
      await createUser(node, { role: 'auditor', login: 'tx-taken' });
      // The delivery worker keeps trying the sweep's notifications (their webhook is not there): its tables are left out.
      const unrelated = { skipTables: ['audit_log', 'notifications', 'notification_attempts'] };
      const before = await settledFingerprint(node.database.url, unrelated);

      const again = await node.api('POST', `/api/v1/alerts/${card.id}/explain`, { explanation: 'x', correction: 'y' }, { 'x-request-id': 'tx-refused-409' });
      expect(again.status).to.equal(409);
      const taken = await node.api('POST', '/api/v1/users', { login: 'tx-taken', name: '重名', role: 'auditor', departments: [], password: 'Kx7#mQ2!vL9@pR4z' }, { 'x-request-id': 'tx-refused-taken' });
      expect([taken.status, taken.body.error.code]).to.deep.equal([409, 'LOGIN_TAKEN']);
      const departments = await node.api('POST', '/api/v1/users', { login: 'tx-officer', name: '办事员', role: 'departmentOfficer', departments: ['NO-SUCH'], password: 'Kx7#mQ2!vL9@pR4z' }, { 'x-request-id': 'tx-refused-422' });
      expect(departments.status, JSON.stringify(departments.body)).to.equal(422);

      expect(changedTables(before, await fingerprint(node.database.url, unrelated))).to.deep.equal([]);
      expect(await entryOf('tx-refused-409')).to.deep.include({ action: 'POST /api/v1/alerts/:id/:action', status: 409 });
      expect(await entryOf('tx-refused-taken')).to.deep.include({ action: 'POST /api/v1/users', status: 409 });
      expect(await entryOf('tx-refused-422')).to.deep.include({ action: 'POST /api/v1/users', status: 422 });
    });

    it('failed sign-ins count toward the throttle although each answers a refusal, and each is recorded', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const attempts: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        attempts.push((await node.api('POST', '/api/v1/auth/login', { login: user.login, password: 'Wrong#Passw0rd-x' }, { authorization: '', 'x-request-id': `tx-login-${attempt}` })).status);
      }
      // LOGIN_MAX_FAILURES=3: after the third wrong password this address waits, the right password included.
      expect(attempts).to.deep.equal([401, 401, 401]);
      const right = await node.api('POST', '/api/v1/auth/login', { login: user.login, password: user.password }, { authorization: '', 'x-request-id': 'tx-login-4' });
      expect([right.status, right.body.error.code]).to.deep.equal([429, 'RATE_LIMITED']);
      expect(await entryOf('tx-login-1')).to.deep.include({ action: 'POST /api/v1/auth/login', status: 401 });
      expect(await entryOf('tx-login-3')).to.deep.include({ action: 'POST /api/v1/auth/login', status: 401 });
      expect(await entryOf('tx-login-4')).to.deep.include({ action: 'POST /api/v1/auth/login', status: 429 });
    });
  });

  describe('node-to-node messages', () => {
    let city: TestNode;
    let county: TestNode;

    before(async () => {
      city = await startTestNode({ NODE_CODE: '610200', NODE_LEVEL: 'city', NODE_NAME: '铜川市电子监察节点' });
      county = await startTestNode({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url, PUBLIC_URL: 'http://county.test' });
    });
    after(async () => {
      await county?.close();
      await city?.close();
    });

    const revokeOn = (target: TestNode) => withClient(target.database.url, (client) => client.query(`REVOKE INSERT ON audit_log FROM ${TEST_APP_ROLE}`));
    const grantOn = (target: TestNode) => withClient(target.database.url, (client) => client.query(`GRANT INSERT ON audit_log TO ${TEST_APP_ROLE}`));

    it('an enrollment and a batch the parent cannot record change nothing there, and go through once it can', async () => {
      const registered = await city.api('POST', '/api/v1/children', { code: '610203', name: '印台区', level: 'county' });
      expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
      const token = registered.body.enrollmentToken as string;

      const cityBefore = await settledFingerprint(city.database.url);
      await revokeOn(city);
      try {
        const refused = await county.api('POST', '/api/v1/federation/enroll', { token });
        expect(refused.status, JSON.stringify(refused.body)).to.not.equal(200);
      } finally {
        await grantOn(city);
      }
      expect(changedTables(cityBefore, await fingerprint(city.database.url))).to.deep.equal([]);
      // The one-time token was not spent: the enrollment that did not commit can be made again.
      const enrolled = await county.api('POST', '/api/v1/federation/enroll', { token });
      expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(200);

      await setUpCatalog(county, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
      const events = await county.api('POST', '/api/v1/events', { events: [accepted('FX-1', MON, 'IT-3', 'GA')] });
      expect(events.body.accepted, JSON.stringify(events.body)).to.equal(1);
      const cityEnrolled = await settledFingerprint(city.database.url);
      await revokeOn(city);
      try {
        const run = await county.api('POST', '/api/v1/federation/sync?wait=true');
        expect(run.status, JSON.stringify(run.body)).to.equal(200);
        expect(run.body.result.error, JSON.stringify(run.body.result)).to.not.equal(null);
      } finally {
        await grantOn(city);
      }
      expect(changedTables(cityEnrolled, await fingerprint(city.database.url))).to.deep.equal([]);
      const again = await county.api('POST', '/api/v1/federation/sync?wait=true');
      expect(again.body.result.error, JSON.stringify(again.body.result)).to.equal(null);
      expect(changedTables(cityEnrolled, await fingerprint(city.database.url))).to.include('audit_log');
    });

    it('an audit of a child the parent cannot record is neither stored nor queued', async () => {
      const cityBefore = await settledFingerprint(city.database.url);
      const queued = await jobsAdded(city);
      await revokeOn(city);
      try {
        const ordered = await city.api('POST', '/api/v1/children/610203/audits', { from: '2026-03-01', to: '2026-03-31' });
        expect([ordered.status, ordered.body.error?.code], JSON.stringify(ordered.body)).to.deep.equal([503, 'AUDIT_UNAVAILABLE']);
      } finally {
        await grantOn(city);
      }
      expect(changedTables(cityBefore, await fingerprint(city.database.url))).to.deep.equal([]);
      expect(await jobsAdded(city)).to.deep.equal(queued);
      const done = await city.api('POST', '/api/v1/children/610203/audits?wait=true', { from: '2026-03-01', to: '2026-03-31' });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      // Queued after the commit, the worker found the order and ran it to its end (it fails: the
      // county's PUBLIC_URL is not reachable in this test, which is beside the point here).
      expect(done.body.status, JSON.stringify(done.body)).to.equal('failed');
      expect(done.body.finishedAt, JSON.stringify(done.body)).to.be.a('string');
      expect((await jobsAdded(city)).audits).to.equal(queued.audits! + 1);
    });
  });
});

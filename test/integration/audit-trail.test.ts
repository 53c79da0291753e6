/**
 * The audit trail (`/api/v1/audit`, node/audit-trail/): changes made through the API, refused
 * ones included, leave entries with who, role, what, which record, when (the node's clock), from
 * where, the request id and the status; reads leave none. The list filters and pages; verify walks
 * the chain and finds an edited, a deleted or (against a pinned head) a cut-off entry. The node's
 * own database role cannot update, delete or truncate the trail; concurrent writes keep one
 * unbroken chain; a change whose entry cannot be stored is not made (503, nothing changed).
 */
import { expect } from 'chai';
import pg from 'pg';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, setUpCatalog } from '../support/api-fixtures.ts';
import { alertOf, sweepAt, withClockAt } from '../support/alert-fixtures.ts';
import { enroll, sync } from '../support/federation-fixtures.ts';
import { createUser, login } from '../support/access-fixtures.ts';
import { apiRequest } from '../support/api-request.ts';
import { createTestDatabase, REDIS_URL, uniqueQueuePrefix, TEST_APP_ROLE, withClient } from '../support/test-database.ts';
import { chainEntry, type AuditEntry } from '../../node/audit-trail/audit-chain.ts';
import { verifyAudit } from '../../node/audit-trail/audit-store.ts';
import { poolRunner } from '../../node/core/db.ts';
import { loadSettings } from '../../node/config/settings.ts';
import { startNode } from '../../node/server.ts';
import { createLogger } from '../../node/logger.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';


/** The SQLSTATE `sql` fails with (null: it succeeded). */
async function failureCode(client: pg.Client, sql: string, params: unknown[] = []): Promise<string | null> {
  try {
    await client.query(sql, params);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

describe('integration: the audit trail', function () {
  this.timeout(120_000);
  let node: TestNode;

  /** Every entry, newest first, following the cursor. */
  async function allEntries(query = ''): Promise<AuditEntry[]> {
    const items: AuditEntry[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const answer: { status: number; body: { items: AuditEntry[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/audit?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      items.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('too many pages');
  }

  async function entryOf(requestId: string): Promise<AuditEntry | undefined> {
    const matching = (await allEntries()).filter((entry) => entry.requestId === requestId);
    expect(matching.length, `entries of ${requestId}`).to.be.at.most(1);
    return matching[0];
  }

  async function verify(query = '') {
    const answer = await node.api('GET', `/api/v1/audit/verify${query}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as { ok: boolean; checked: number; brokenAt: number | null; head: { seq: number; hash: string } | null };
  }

  /** Runs `statements` as the owner with the trail's append-only trigger switched off: what an attacker with the owner's password could do. */
  async function tamper(...statements: string[]): Promise<void> {
    await withClient(node.database.url, async (client) => {
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      try {
        for (const statement of statements) await client.query(statement);
      } finally {
        await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      }
    });
  }

  before(async () => {
    node = await startTestNode();
    node.setNow(MON);
  });
  after(() => node?.close());

  describe('what is recorded', () => {
    it('a change: who, role, what, which record, when, from where, the request id and the status', async () => {
      node.setNow('2026-03-02T10:15:30.250+08:00');
      const answer = await node.api('PUT', '/api/v1/departments/XF', { name: '信访局' }, { 'x-request-id': 'audit-put-department' });
      expect(answer.status).to.equal(201);
      const entry = await entryOf('audit-put-department');
      expect(entry).to.deep.include({
        at: '2026-03-02T10:15:30.250000+08:00', actor: 'admin-token', role: 'bootstrap', action: 'PUT /api/v1/departments/:code',
        record: '{"code":"XF"}', details: {}, address: '127.0.0.1', requestId: 'audit-put-department', status: 201,
      });
      expect(entry!.hash).to.match(/^[0-9a-f]{64}$/);
      node.setNow(MON);
    });

    it('never the body, and no entry for a read or for a caller without credentials', async () => {
      const before = (await allEntries()).length;
      expect((await node.api('GET', '/api/v1/departments/XF', undefined, { 'x-request-id': 'audit-read' })).status).to.equal(200);
      const anonymous = await fetch(`${node.url}/api/v1/departments/XF`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-request-id': 'audit-anonymous' }, body: '{"name":"x"}' });
      expect(anonymous.status).to.equal(401);
      expect(await entryOf('audit-read')).to.equal(undefined);
      expect(await entryOf('audit-anonymous')).to.equal(undefined);
      expect((await allEntries()).length).to.equal(before);
      expect(JSON.stringify(await allEntries())).to.not.include('信访局');
    });

    it('events, a sweep and an alert action, each under its route pattern with its parameters as the record', async () => {
      await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
      node.setNow('2026-03-02T11:00:00+08:00');
      const events = await node.api('POST', '/api/v1/events', { events: [accepted('AU-1', MON, 'IT-3', 'GA')] }, { 'x-request-id': 'audit-events' });
      expect(events.status, JSON.stringify(events.body)).to.equal(200);
      expect(events.body.accepted).to.equal(1);
      expect(await entryOf('audit-events')).to.deep.include({ action: 'POST /api/v1/events', record: null, status: events.status, at: '2026-03-02T11:00:00.000000+08:00' });

      node.setNow('2026-03-02T12:00:00+08:00');
      await sweepAt(node, FRI);
      expect((await allEntries('&action=' + encodeURIComponent('POST /api/v1/alerts/sweep'))).map((entry) => entry.status)).to.deep.equal([200]);

      const card = await alertOf(node, 'AU-1', 'YELLOW_CARD');
      const explained = await withClockAt(node, '2026-03-09T09:00:00+08:00', () => node.api('POST', `/api/v1/alerts/${card.id}/explain`,
        { explanation: '专家评审延误', correction: '已办结' }, { 'x-request-id': 'audit-explain' }));
      expect(explained.status, JSON.stringify(explained.body)).to.equal(200);
      expect(await entryOf('audit-explain')).to.deep.include({
        actor: 'admin-token', role: 'bootstrap', action: 'POST /api/v1/alerts/:id/:action', record: `{"action":"explain","id":"${card.id}"}`, status: 200,
      });
    });

    it('refused attempts by an authenticated caller, with the status they got', async () => {
      const card = await alertOf(node, 'AU-1', 'YELLOW_CARD');
      const again = await node.api('POST', `/api/v1/alerts/${card.id}/explain`, { explanation: 'x', correction: 'y' }, { 'x-request-id': 'audit-refused-409' });
      expect(again.status).to.equal(409);
      const invalid = await node.api('PUT', '/api/v1/departments/XF', { name: '' }, { 'x-request-id': 'audit-refused-400' });
      expect(invalid.status).to.equal(400);
      const unknown = await node.api('POST', '/api/v1/no-such-thing', {}, { 'x-request-id': 'audit-refused-404' });
      expect(unknown.status).to.equal(404);
      expect(await entryOf('audit-refused-409')).to.deep.include({ action: 'POST /api/v1/alerts/:id/:action', record: `{"action":"explain","id":"${card.id}"}`, status: 409 });
      expect(await entryOf('audit-refused-400')).to.deep.include({ action: 'PUT /api/v1/departments/:code', status: 400 });
      expect(await entryOf('audit-refused-404')).to.deep.include({ action: 'POST /api/v1/no-such-thing', record: null, status: 404 });
    });
  });

  describe('people', () => {
    it('a person refused by the route policy (403), and sign-in attempts, never with the password', async () => {
      const auditor = await createUser(node, { role: 'auditor' });
      const wrong = await node.api('POST', '/api/v1/auth/login', { login: auditor.login, password: 'Wrong#Passw0rd-x' }, { authorization: '', 'x-request-id': 'audit-login-failed' });
      expect(wrong.status).to.equal(401);
      const signedIn = await login(node, auditor.login, auditor.password);
      const as = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => apiRequest(node.url, signedIn.accessToken, method, path, body, headers);
      const refused = await as('PUT', '/api/v1/departments/XF', { name: '改名' }, { 'x-request-id': 'audit-forbidden' });
      expect(refused.status).to.equal(403);
      expect(await entryOf('audit-forbidden')).to.deep.include({
        actor: `user:${auditor.login}`, role: 'auditor', action: 'PUT /api/v1/departments/:code', record: '{"code":"XF"}', status: 403,
      });
      expect(await entryOf('audit-login-failed')).to.deep.include({ action: 'POST /api/v1/auth/login', role: null, status: 401 });
      expect((await entryOf('audit-login-failed'))!.actor).to.include(auditor.login);
      // The auditor may read the trail itself; it holds no password.
      const trail = await as('GET', '/api/v1/audit?limit=500');
      expect(trail.status).to.equal(200);
      expect(trail.body.items.filter((entry: AuditEntry) => entry.action === 'POST /api/v1/auth/login').map((entry: AuditEntry) => entry.status)).to.deep.equal([200, 401]);
      expect(JSON.stringify(trail.body)).to.not.include(auditor.password).and.to.not.include('Wrong#Passw0rd-x');
    });
  });

  describe('listing', () => {
    it('filters by actor, action, record and time, newest first', async () => {
      const all = await allEntries();
      expect(all.map((entry) => entry.seq)).to.deep.equal(all.map((_, index) => all.length - index));
      const puts = await allEntries('&action=' + encodeURIComponent('PUT /api/v1/departments/:code'));
      expect(puts.length).to.be.greaterThan(1);
      expect(puts.every((entry) => entry.action === 'PUT /api/v1/departments/:code')).to.equal(true);
      expect(puts).to.deep.equal(all.filter((entry) => entry.action === 'PUT /api/v1/departments/:code'));
      const byToken = await allEntries('&actor=admin-token');
      expect(byToken.length).to.be.greaterThan(0).and.lessThan(all.length);
      expect(byToken).to.deep.equal(all.filter((entry) => entry.actor === 'admin-token'));
      expect(await allEntries('&actor=user:nobody')).to.deep.equal([]);
      const byRecord = await allEntries('&record=' + encodeURIComponent('{"code":"XF"}'));
      expect(byRecord.map((entry) => entry.requestId)).to.include.members(['audit-put-department', 'audit-refused-400']);
      expect(byRecord.every((entry) => entry.record === '{"code":"XF"}')).to.equal(true);
      // The events were posted at 11:00 (+08:00); `from` is inclusive, `to` exclusive.
      const window = await allEntries(`&from=${encodeURIComponent('2026-03-02T11:00:00+08:00')}&to=${encodeURIComponent('2026-03-02T11:00:00.001+08:00')}`);
      expect(window.map((entry) => entry.requestId)).to.deep.equal(['audit-events']);
      const early = await allEntries(`&to=${encodeURIComponent('2026-03-02T10:15:30.250+08:00')}`);
      // The catalog was set up at 10:00, after the 10:15:30 change by seq but before it by the clock.
      expect(early.length).to.be.greaterThan(0);
      expect(early.every((entry) => entry.at < '2026-03-02T10:15:30.250000+08:00')).to.equal(true);
      expect(early.map((entry) => entry.requestId)).to.not.include('audit-put-department');
    });

    it('pages with a cursor, without gaps or repeats', async () => {
      const all = await allEntries();
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const answer: { status: number; body: { items: AuditEntry[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(answer.status).to.equal(200);
        expect(answer.body.items.length).to.be.within(1, 2);
        seen.push(...answer.body.items.map((entry) => entry.seq));
        cursor = answer.body.nextCursor;
      } while (cursor !== null);
      expect(seen).to.deep.equal(all.map((entry) => entry.seq));
    });

    it('refuses bad filters with 400 naming the field', async () => {
      for (const [query, field] of [
        ['from=2026-03-02', 'from'], ['to=yesterday', 'to'], ['from=2026-03-02T10:00:00%2B08:00&to=2026-03-02T09:00:00%2B08:00', 'to'],
        ['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=!!', 'cursor'], [`cursor=${Buffer.from('abc').toString('base64url')}`, 'cursor'],
        ['actor=a&actor=b', 'actor'], [`action=${'x'.repeat(301)}`, 'action'], ['record=a&record=b', 'record'],
      ] as const) {
        const answer = await node.api('GET', `/api/v1/audit?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body.error, query).to.deep.include({ code: 'INVALID_PARAMETER' });
        expect(answer.body.error.details.field, query).to.equal(field);
      }
      for (const [query, field] of [['headSeq=0&headHash=' + 'a'.repeat(64), 'headSeq'], ['headSeq=3&headHash=xyz', 'headHash'], ['headSeq=3', 'headHash'], ['headHash=' + 'a'.repeat(64), 'headSeq']] as const) {
        const answer = await node.api('GET', `/api/v1/audit/verify?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body.error.details.field, query).to.equal(field);
      }
    });
  });

  describe('the chain and the database role', () => {
    it('verifies the whole chain, walking it in chunks', async () => {
      const count = await withClient(node.database.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM audit_log')).rows[0].n));
      const newest = (await allEntries())[0]!;
      // GET /verify is a read: it adds nothing, so the count holds.
      expect(await verify()).to.deep.equal({ ok: true, checked: count, brokenAt: null, head: { seq: count, hash: newest.hash } });
      expect(newest.seq).to.equal(count);
      expect(await verifyAudit(poolRunner(node.node.orm), { chunk: 3 })).to.deep.equal({ ok: true, checked: count, brokenAt: null, head: { seq: count, hash: newest.hash } });
    });

    it('the node\'s role can read and append but not update, delete or truncate; the owner is stopped by the trigger', async () => {
      expect(node.node.settings.databaseUrl).to.include(TEST_APP_ROLE);
      const health = await fetch(`${node.url}/health`).then((response) => response.json()) as { auditTrail: unknown };
      expect(health.auditTrail).to.deep.equal({ appendOnlyByRole: true });

      await withClient(node.database.appUrl, async (client) => {
        expect((await client.query('SELECT current_user AS role')).rows[0].role).to.equal(TEST_APP_ROLE);
        expect(await failureCode(client, 'UPDATE audit_log SET status = 200 WHERE seq = 1')).to.equal('42501');
        expect(await failureCode(client, 'DELETE FROM audit_log WHERE seq = 1')).to.equal('42501');
        expect(await failureCode(client, 'TRUNCATE audit_log')).to.equal('42501');
        expect(await failureCode(client, 'ALTER TABLE audit_log DISABLE TRIGGER USER')).to.equal('42501');
        const [last] = (await client.query('SELECT seq::int AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows as { seq: number; hash: string }[];
        const entry = chainEntry(last!, { at: new Date(MON), actor: 'test', role: null, action: 'TEST', record: null, details: {}, address: null, requestId: 'audit-direct-insert', status: 200 });
        expect(await failureCode(client, `INSERT INTO audit_log (seq, at, actor, role, action, record, details, address, request_id, status, prev_hash, hash)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [entry.seq, entry.at, entry.actor, entry.role, entry.action, entry.record, JSON.stringify(entry.details), entry.address, entry.requestId, entry.status, entry.prevHash, entry.hash])).to.equal(null);
        // The insert trigger keeps the chain contiguous even for the node's own role.
        expect(await failureCode(client, `INSERT INTO audit_log (seq, at, actor, action, request_id, status, prev_hash, hash) VALUES ($1, now(), 'x', 'x', 'x', 200, $2, $2)`, [entry.seq + 5, entry.hash])).to.equal('23001');
      });
      expect(await entryOf('audit-direct-insert')).to.deep.include({ actor: 'test', status: 200 });

      await withClient(node.database.url, async (client) => {
        for (const statement of ['UPDATE audit_log SET status = 200 WHERE seq = 1', 'DELETE FROM audit_log WHERE seq = 1', 'TRUNCATE audit_log']) {
          expect(await failureCode(client, statement), statement).to.equal('23001');
        }
      });
      expect((await verify()).ok).to.equal(true);
    });

    it('keeps one unbroken chain, numbered without gaps, under 20 concurrent writes', async () => {
      const before = (await verify()).checked;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) =>
        node.api('PUT', `/api/v1/departments/C-${String(index).padStart(2, '0')}`, { name: `部门 ${index}` }, { 'x-request-id': `audit-concurrent-${index}` })));
      expect(answers.map((answer) => answer.status)).to.deep.equal(answers.map(() => 201));
      const all = await allEntries();
      expect(all.map((entry) => entry.seq).reverse()).to.deep.equal(Array.from({ length: before + 20 }, (_, index) => index + 1));
      const concurrent = all.filter((entry) => entry.requestId.startsWith('audit-concurrent-'));
      expect(concurrent.map((entry) => entry.requestId).sort()).to.deep.equal(Array.from({ length: 20 }, (_, index) => `audit-concurrent-${index}`).sort());
      expect(await verify()).to.deep.include({ ok: true, checked: before + 20, brokenAt: null });
    });

    it('does not make a change whose entry cannot be stored: 503, and nothing changed', async () => {
      await withClient(node.database.url, (client) => client.query(`REVOKE INSERT ON audit_log FROM ${TEST_APP_ROLE}`));
      try {
        const change = await node.api('PUT', '/api/v1/departments/UNAUDITED', { name: '未审计' }, { 'x-request-id': 'audit-unavailable' });
        expect(change.status).to.equal(503);
        expect(change.body.error).to.deep.include({ code: 'AUDIT_UNAVAILABLE', details: { requestId: 'audit-unavailable' } });
        expect(change.body.error.message).to.include('nothing was changed');
        // The change rolled back with its entry: the department was never created.
        expect((await node.api('GET', '/api/v1/departments/UNAUDITED')).status).to.equal(404);
        // A refused request changed nothing: it keeps its own answer.
        const refused = await node.api('PUT', '/api/v1/departments/UNAUDITED', { name: '' });
        expect(refused.status).to.equal(400);
      } finally {
        await withClient(node.database.url, (client) => client.query(`GRANT INSERT ON audit_log TO ${TEST_APP_ROLE}`));
      }
      expect(await entryOf('audit-unavailable')).to.equal(undefined);
      expect((await verify()).ok).to.equal(true);
    });

    it('finds an edited middle row, and holds again once the edit is undone', async () => {
      const { checked } = await verify();
      const middle = Math.floor(checked / 2);
      const [original] = await withClient(node.database.url, async (client) => (await client.query('SELECT actor FROM audit_log WHERE seq = $1', [middle])).rows as { actor: string }[]);
      await tamper(`UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = ${middle}`);
      expect(await verify()).to.deep.include({ ok: false, checked: middle, brokenAt: middle });
      await tamper(`UPDATE audit_log SET actor = '${original!.actor.replaceAll("'", "''")}' WHERE seq = ${middle}`);
      expect(await verify()).to.deep.include({ ok: true, checked, brokenAt: null });

      await tamper(`UPDATE audit_log SET "at" = "at" + interval '1 microsecond' WHERE seq = ${middle + 1}`);
      expect(await verify()).to.deep.include({ ok: false, brokenAt: middle + 1 });
      await tamper(`UPDATE audit_log SET "at" = "at" - interval '1 microsecond' WHERE seq = ${middle + 1}`);
      expect((await verify()).ok).to.equal(true);
    });

    it('finds a deleted middle row, also across the chunks of the walk', async () => {
      const { checked } = await verify();
      const middle = Math.floor(checked / 2) + 1;
      await tamper(`CREATE TABLE deleted_entry AS SELECT * FROM audit_log WHERE seq = ${middle}`, `DELETE FROM audit_log WHERE seq = ${middle}`);
      expect(await verify()).to.deep.include({ ok: false, checked: middle, brokenAt: middle + 1 });
      expect(await verifyAudit(poolRunner(node.node.orm), { chunk: middle - 1 })).to.deep.include({ ok: false, checked: middle, brokenAt: middle + 1 });
      await tamper('INSERT INTO audit_log SELECT * FROM deleted_entry', 'DROP TABLE deleted_entry');
      expect((await verify()).ok).to.equal(true);
    });

    it('cannot see the newest entries cut off by itself, but can against a head pinned earlier', async () => {
      const pinned = (await verify()).head!;
      expect(await verify(`?headSeq=${pinned.seq}&headHash=${pinned.hash}`)).to.deep.include({ ok: true, brokenAt: null });
      await tamper(`DELETE FROM audit_log WHERE seq = ${pinned.seq}`);
      expect(await verify()).to.deep.include({ ok: true, checked: pinned.seq - 1 });
      expect(await verify(`?headSeq=${pinned.seq}&headHash=${pinned.hash}`)).to.deep.include({ ok: false, checked: pinned.seq - 1, brokenAt: pinned.seq });
    });
  });
});

describe('integration: the audit trail of node-to-node messages', function () {
  this.timeout(120_000);
  let city: TestNode;
  let county: TestNode;

  before(async () => {
    city = await startTestNode({ NODE_CODE: '610200', NODE_LEVEL: 'city' });
    county = await startTestNode({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url, PUBLIC_URL: 'http://127.0.0.1:1' });
  });
  after(async () => {
    await county?.close();
    await city?.close();
  });

  it('records an accepted enrollment and batch as actor node, with the sender, and the admin calls behind them', async () => {
    await enroll(city, county, '610203', 'county');
    await sync(county);
    const cityEntries = (await city.api('GET', '/api/v1/audit')).body.items as AuditEntry[];
    expect(cityEntries.map((entry) => [entry.actor, entry.action, entry.status]).reverse()).to.deep.equal([
      ['admin-token', 'POST /api/v1/children', 201],
      ['node', 'POST /federation/v1/enroll', 200],
      ['node', 'POST /federation/v1/batches', 200],
    ]);
    expect(cityEntries.filter((entry) => entry.actor === 'node').map((entry) => [entry.details, entry.role])).to.deep.equal([[{ node: '610203' }, null], [{ node: '610203' }, null]]);
    const countyEntries = (await county.api('GET', '/api/v1/audit')).body.items as AuditEntry[];
    expect(countyEntries.map((entry) => entry.action).reverse()).to.deep.equal(['POST /api/v1/federation/enroll', 'POST /api/v1/federation/sync']);
    expect((await city.api('GET', '/api/v1/audit/verify')).body).to.deep.include({ ok: true, checked: 3 });
  });

  it('records no refused message from an unauthenticated sender', async () => {
    const forged = await fetch(`${city.url}/federation/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: 'a.b.c' }) });
    expect(forged.status).to.be.within(400, 499);
    expect((await city.api('GET', '/api/v1/audit/verify')).body).to.deep.include({ ok: true, checked: 3 });
  });
});

describe('integration: a node whose database role can rewrite the audit trail', () => {
  it('starts, but warns in /health', async () => {
    const database = await createTestDatabase();
    try {
      // DATABASE_URL is the superuser and no DATABASE_OWNER_URL: the trigger alone guards the trail.
      const node = await startNode(loadSettings({
        ADMIN_TOKEN: 'audit-weak-role-token-0123456789', DATABASE_URL: database.url, REDIS_URL, NODE_CODE: '610203',
        PORT: '0', QUEUE_PREFIX: uniqueQueuePrefix(), NODE_KEY_SECRET: 'test-node-key-secret-0123456789', LOG_LEVEL: 'silent',
      }), { logger: createLogger('silent', {}) });
      try {
        const health = await fetch(`${node.url}/health`).then((response) => response.json()) as { status: string; auditTrail: unknown; warnings: string[] };
        expect(health.auditTrail).to.deep.equal({ appendOnlyByRole: false });
        expect(health.status).to.equal('degraded');
        expect(health.warnings.some((warning) => warning.includes('DATABASE_OWNER_URL'))).to.equal(true);
      } finally {
        await node.close();
      }
    } finally {
      await database.drop();
    }
  });
});

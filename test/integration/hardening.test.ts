/**
 * Hardening at the edge of a real node: JSON depth and text checks before any handler (a body a
 * million levels deep included), NUL in paths and queries, the body size limit on every kind of
 * JSON route, rate limits per client address on the sign-in and public routes (Redis-backed,
 * under the node's queue prefix), the security headers every answer carries, and a /health that
 * stays small whatever the tables hold.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { REDIS_URL, withClient } from '../support/test-database.ts';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';

const JSON_LIMIT = 4 * 1024 * 1024;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function send(node: TestNode, method: string, path: string, text?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(node.url + path, { method, headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(text === undefined ? {} : { body: text }) });
  const raw = await response.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

const admin = (_node: TestNode) => ({ authorization: `Bearer ${TEST_TOKEN}` });

describe('integration: hardening', function () {
  this.timeout(120_000);

  describe('bodies, paths and queries', () => {
    let node: TestNode;
    before(async () => {
      node = await startTestNode({ JSON_LIMIT_BYTES: String(JSON_LIMIT) });
      expect((await node.api('PUT', '/api/v1/departments/D-1', { name: '部门' })).status).to.equal(201);
    });
    after(() => node?.close());

    it('survives a million unclosed brackets and a million nested arrays within the size limit', async () => {
      for (const path of ['/api/v1/events', '/federation/v1/batches']) {
        const unclosed = await send(node, 'POST', path, '['.repeat(1_000_000), admin(node));
        expect([unclosed.status, unclosed.body.error.code], path).to.deep.equal([400, 'INVALID_JSON']);
        const nested = await send(node, 'POST', path, `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`, admin(node));
        expect([nested.status, nested.body.error.code, nested.body.error.details.maxDepth], path).to.deep.equal([400, 'JSON_TOO_DEEP', 32]);
        const objects = await send(node, 'POST', path, `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`, admin(node));
        expect([objects.status, objects.body.error.code], path).to.deep.equal([400, 'JSON_TOO_DEEP']);
      }
      expect((await send(node, 'GET', '/health')).status).to.equal(200);
    });

    it('lets a body exactly as deep as JSON_MAX_DEPTH through to the schema, and refuses one level more', async () => {
      const nest = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      const atLimit = await send(node, 'PUT', '/api/v1/departments/D-1', `{"name": ${nest(31)}}`, admin(node));
      expect([atLimit.status, atLimit.body.error.code, atLimit.body.error.details.field]).to.deep.equal([400, 'VALIDATION_FAILED', '/name']);
      const over = await send(node, 'PUT', '/api/v1/departments/D-1', `{"name": ${nest(32)}}`, admin(node));
      expect([over.status, over.body.error.code, over.body.error.details]).to.deep.equal([400, 'JSON_TOO_DEEP', { field: `/name${'/0'.repeat(31)}`, maxDepth: 32 }]);
    });

    it('refuses text PostgreSQL cannot store with INVALID_TEXT naming the field, instead of failing in a query', async () => {
      const cases: [string, string, string][] = [
        ['/api/v1/departments/D-1', '{"name": "a\\u0000b"}', '/name'],
        ['/api/v1/departments/D-1', '{"name": "a\\ud800b"}', '/name'],
        ['/api/v1/departments/D-1/contacts', '{"contacts": [{"name": "x\\udc00", "channel": "sms", "address": "+8613800000000"}]}', '/contacts/0/name'],
        ['/api/v1/departments/D-1', '{"na\\u0000me": "x"}', '/na\\u0000me'],
      ];
      for (const [path, text, field] of cases) {
        const answer = await send(node, 'PUT', path, text, admin(node));
        expect([answer.status, answer.body.error.code, answer.body.error.details.field], text).to.deep.equal([400, 'INVALID_TEXT', field]);
      }
      expect((await node.api('GET', '/api/v1/departments/D-1')).body.name).to.equal('部门');
    });

    it('refuses NUL in a path or a query parameter before any query sees it', async () => {
      const query = await send(node, 'GET', '/api/v1/rejections?source=import%00x', undefined, admin(node));
      expect([query.status, query.body.error.code, query.body.error.details.field]).to.deep.equal([400, 'INVALID_TEXT', 'source']);
      for (const path of ['/api/v1/clients/c%00x', '/api/v1/users/%00', '/api/v1/departments/D-1%00']) {
        const answer = await send(node, 'GET', path, undefined, admin(node));
        expect([answer.status, answer.body.error.code, answer.body.error.details.field], path).to.deep.equal([400, 'INVALID_TEXT', 'path']);
      }
    });

    it('refuses a JSON body declared in another charset than UTF-8', async () => {
      const answer = await send(node, 'PUT', '/api/v1/departments/D-1', '{"name": "x"}', { ...admin(node), 'content-type': 'application/json; charset=utf-16' });
      expect([answer.status, answer.body.error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const latin1 = await send(node, 'POST', '/federation/v1/policies', '{"node": "610299"}', { 'content-type': 'application/json; charset=iso-8859-1' });
      expect([latin1.status, latin1.body.error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const utf8 = await send(node, 'PUT', '/api/v1/departments/D-1', '{"name": "部门"}', { ...admin(node), 'content-type': 'application/json; charset=UTF-8' });
      expect(utf8.status).to.equal(200);
    });

    it('applies the JSON size limit to every JSON route: API, federation and sign-in alike', async () => {
      const huge = JSON.stringify({ padding: 'x'.repeat(JSON_LIMIT) });
      for (const path of ['/api/v1/events', '/federation/v1/batches', '/federation/v1/enroll', '/api/v1/auth/login']) {
        const answer = await send(node, 'POST', path, huge, admin(node));
        expect([answer.status, answer.body.error.code], path).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
      }
    });

    it('refuses a body on a route that takes none, and a __proto__ key anywhere, with VALIDATION_FAILED', async () => {
      for (const [method, path] of [['POST', '/api/v1/alerts/sweep'], ['POST', '/api/v1/federation/sync'], ['POST', '/api/v1/federation/keys/rotate']]) {
        const answer = await send(node, method!, path!, '{"at": "2026-03-02T10:00:00+08:00"}', admin(node));
        expect([answer.status, answer.body.error.code, answer.body.error.details.field], path).to.deep.equal([400, 'VALIDATION_FAILED', '/']);
      }
      const proto = await send(node, 'PUT', '/api/v1/departments/D-1', '{"name": "x", "__proto__": {"admin": true}}', admin(node));
      expect([proto.status, proto.body.error.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    });
  });

  describe('rate limits', () => {
    let node: TestNode;
    let redis: Redis;
    before(async () => {
      node = await startTestNode({ RATE_LIMIT_LOGIN_PER_MINUTE: '3', RATE_LIMIT_PUBLIC_PER_MINUTE: '5' });
      redis = new Redis(REDIS_URL);
    });
    after(async () => {
      await redis?.quit();
      await node?.close();
    });

    function expectLimited(answer: Answer, what: string, method = 'GET'): void {
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(429);
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, 60);
      expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
      if (method === 'HEAD') return; // no body
      expect(answer.body.error.code).to.equal('RATE_LIMITED');
      expect(answer.body.error.details).to.deep.equal({ retryAfterSeconds: retryAfter });
    }

    it('limits sign-in attempts per address, login and token endpoints together', async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 2; attempt++) statuses.push((await send(node, 'POST', '/api/v1/auth/login', '{"login": "nobody", "password": "x"}')).status);
      statuses.push((await send(node, 'POST', '/api/v1/auth/token', '{"grant_type": "refresh_token", "refresh_token": "x"}')).status);
      expect(statuses).to.deep.equal([401, 401, 401]);
      expectLimited(await send(node, 'POST', '/api/v1/auth/login', '{"login": "nobody", "password": "x"}'), 'fourth sign-in');
      expectLimited(await send(node, 'POST', '/api/v1/auth/token', '{"grant_type": "refresh_token", "refresh_token": "x"}'), 'token after the limit');
      // Refused before the body is read: a huge body costs nothing once over the limit.
      expectLimited(await send(node, 'POST', '/api/v1/auth/login', JSON.stringify({ padding: 'x'.repeat(100_000) })), 'a large body');
    });

    it('limits the other public routes together, counted apart from sign-in, and leaves authenticated routes alone', async () => {
      const statuses: number[] = [];
      for (let call = 0; call < 3; call++) statuses.push((await send(node, 'GET', '/health')).status);
      statuses.push((await send(node, 'GET', '/.well-known/jwks.json')).status);
      statuses.push((await send(node, 'POST', '/federation/v1/policies', '{"node": "610299"}')).status);
      expect(statuses).to.deep.equal([200, 200, 200, 200, 403]);
      expectLimited(await send(node, 'GET', '/health'), 'sixth public call');
      expectLimited(await send(node, 'HEAD', '/health'), 'HEAD of a limited GET', 'HEAD');
      expectLimited(await send(node, 'POST', '/federation/v1/batches', '{"batch": "x.y.z"}'), 'federation after the limit');
      for (let call = 0; call < 10; call++) expect((await node.api('GET', '/api/v1/departments')).status).to.equal(200);
    });

    it('counts in Redis under the node\'s queue prefix', async () => {
      const prefix = `${node.node.settings.queuePrefix}:rate:`;
      const keys = await redis.keys(`${prefix}*`);
      // The routes' buckets, and the sign-in throttle's (by login and address, by login: access/sign-in-throttle.ts).
      expect([...new Set(keys.map((key) => key.slice(prefix.length).split(':')[0]))].sort()).to.deep.equal(['login', 'login-account', 'login-address', 'public']);
      const ttl = await redis.pttl(keys.find((key) => key.startsWith(`${prefix}login:`))!);
      expect(ttl).to.be.within(1, 60_000);
      // A login's failures from one address are forgotten after LOCKOUT_SECONDS (900 by default).
      expect(await redis.pttl(keys.find((key) => key.startsWith(`${prefix}login-address:`))!)).to.be.within(1, 900_000);
    });
  });

  describe('security headers', () => {
    let node: TestNode;
    before(async () => {
      node = await startTestNode({ RATE_LIMIT_PUBLIC_PER_MINUTE: '2', JSON_LIMIT_BYTES: '2048' });
    });
    after(() => node?.close());

    it('sends the same headers on every answer: success, not found, unauthorized, too large, rate limited', async () => {
      const answers = [
        await node.api('GET', '/api/v1/departments'),
        await node.api('GET', '/api/v1/nope'),
        await send(node, 'GET', '/api/v1/departments'),
        await node.api('PUT', '/api/v1/departments/D-1', { name: 'x'.repeat(4096) }),
        await send(node, 'GET', '/health'),
        await send(node, 'GET', '/health'),
        await send(node, 'GET', '/health'),
      ];
      expect(answers.map((answer) => answer.status)).to.deep.equal([200, 404, 401, 413, 200, 200, 429]);
      for (const answer of answers) {
        expect(Object.fromEntries([...answer.headers].filter(([name]) => [
          'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy', 'cache-control',
          'cross-origin-resource-policy', 'cross-origin-opener-policy', 'permissions-policy', 'x-permitted-cross-domain-policies', 'strict-transport-security',
        ].includes(name)))).to.deep.equal({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          'cache-control': 'no-store',
          'cross-origin-resource-policy': 'same-origin',
          'cross-origin-opener-policy': 'same-origin',
          'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
          'x-permitted-cross-domain-policies': 'none',
        });
        expect(answer.headers.get('content-type')).to.match(/^application\/json/);
      }
    });

    it('adds Strict-Transport-Security only when the node is reached over https', async () => {
      expect((await send(node, 'GET', '/api/v1/departments', undefined, admin(node))).headers.get('strict-transport-security')).to.equal(null);
      const https = await startTestNode({ PUBLIC_URL: 'https://sv.example.gov.cn' });
      try {
        expect((await send(https, 'GET', '/api/v1/nope', undefined, admin(https))).headers.get('strict-transport-security')).to.equal('max-age=31536000');
      } finally {
        await https.close();
      }
    });
  });

  describe('GET /health whatever the tables hold', () => {
    let node: TestNode;
    before(async () => {
      node = await startTestNode();
      await setUpCatalog(node, { 'D-1': '部门' }, [{ itemCode: 'I-1', departmentCode: 'D-1', legalLimitDays: 10, promisedLimitDays: 5 }]);
      await postAccepted(node, [accepted('H-1', '2026-03-02T09:00:00+08:00', 'I-1', 'D-1')]);
    });
    after(() => node?.close());

    /** Gives the open case H-1 a timeline ending on `day`, as a bad date kept before the occurredAt window would. */
    const reachInto = (day: string) => withClient(node.database.url, (client) => client.query('UPDATE cases SET deadline = $1::date, red_card_on = $1::date WHERE case_no = $2', [day, 'H-1']));

    it('checks this year and the nine after it for a calendar, and names a timeline reaching further in one warning', async () => {
      const later = ['2027', '2028', '2029', '2030', '2031', '2032', '2033', '2034', '2035'];
      for (const [day, beyond] of [['9990-01-05', '9990'], ['5874897-12-31', '5874897'], ['2040-01-01', '2040']] as const) {
        await reachInto(day);
        const health = await send(node, 'GET', '/health');
        expect(health.status, day).to.equal(200);
        expect(JSON.stringify(health.body).length, day).to.be.below(3000);
        expect(health.body.calendar, day).to.deep.equal({ years: [2024, 2025, 2026], currentYear: 2026, missingYears: later.map(Number) });
        expect(health.body.warnings, day).to.have.length(10);
        expect(health.body.warnings.slice(0, 9).map((warning: string) => warning.slice(0, 4)), day).to.deep.equal(later);
        expect(health.body.warnings[9], day).to.contain(`${beyond} 年`).and.contain('past 2035');
      }
    });

    it('lists only the years a timeline reaches within them, and none for one in the past', async () => {
      await reachInto('2028-06-30');
      const near = await send(node, 'GET', '/health');
      expect([near.status, near.body.calendar.missingYears, near.body.warnings.length]).to.deep.equal([200, [2027, 2028], 2]);
      await reachInto('4713-01-01 BC');
      const past = await send(node, 'GET', '/health');
      expect([past.status, past.body.status, past.body.calendar.missingYears, past.body.warnings]).to.deep.equal([200, 'ok', [], []]);
    });
  });
});

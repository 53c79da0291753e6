/**
 * The edges of the API: the bearer token on every `/api/v1` route, the one error shape
 * `{error: {code, message, details}}` for unknown routes and methods, invalid parameters, oversized
 * and malformed bodies, and the headers every answer carries. The node runs with small body limits.
 */
import { expect } from 'chai';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { q } from '../support/api-fixtures.ts';

const JSON_LIMIT = 4096;
const IMPORT_LIMIT = 8192;

/** Asserts the one error shape and answers it. */
function errorOf(answer: { status: number; body: unknown }, status: number, code: string) {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  const body = answer.body as { error: { code: string; message: string; details: Record<string, unknown> } };
  expect(body).to.have.keys(['error']);
  expect(body.error).to.have.keys(['code', 'message', 'details']);
  expect(body.error.code).to.equal(code);
  expect(body.error.message).to.be.a('string').and.not.empty;
  return body.error;
}

describe('integration: authentication and errors', function () {
  let node: TestNode;

  before(async () => {
    node = await startTestNode({ JSON_LIMIT_BYTES: String(JSON_LIMIT), IMPORT_LIMIT_BYTES: String(IMPORT_LIMIT) });
    expect((await node.api('PUT', '/api/v1/departments/D-1', { name: '部门' })).status).to.equal(201);
  });

  after(async () => {
    await node?.close();
  });

  describe('the bearer token', () => {
    const routes: [string, string, unknown?, Record<string, string>?][] = [
      ['GET', '/api/v1/departments'],
      ['GET', '/api/v1/departments/D-1'],
      ['PUT', '/api/v1/departments/D-2', { name: '部门二' }],
      ['GET', '/api/v1/items'],
      ['GET', '/api/v1/items/I-1'],
      ['PUT', '/api/v1/items/I-1', { name: '事项', departmentCode: 'D-1', legalLimitDays: 5, promisedLimitDays: 5 }],
      ['POST', '/api/v1/events', { events: [{ eventId: 'E', caseNo: 'C', type: 'resumed', occurredAt: '2026-03-02T10:00:00+08:00' }] }],
      ['GET', '/api/v1/cases'],
      ['GET', '/api/v1/cases/C'],
      ['GET', '/api/v1/board'],
      ['GET', '/api/v1/rejections'],
      ['GET', '/api/v1/calendars'],
      ['GET', '/api/v1/calendars/2026'],
      ['PUT', '/api/v1/calendars/2027', { holidays: [], workdays: [] }],
      ['GET', '/api/v1/policy'],
      ['PUT', '/api/v1/policy', { yellowAtRemainingDays: 3, yellowCardOverdueDays: 1, redCardOverdueDays: 4 }],
      ['POST', '/api/v1/imports', 'eventId,caseNo,type,occurredAt\n', { 'content-type': 'text/csv' }],
      ['GET', '/api/v1/imports/00000000-0000-4000-8000-000000000000'],
      ['GET', '/metrics'],
    ];

    for (const [method, path, body, headers] of routes) {
      it(`guards ${method} ${path}`, async () => {
        for (const authorization of ['', 'Bearer wrong-token-0123456789', `Basic ${Buffer.from(`admin:${TEST_TOKEN}`).toString('base64')}`, `Bearer ${TEST_TOKEN}x`, `Bearer  ${TEST_TOKEN}`]) {
          const answer = await node.api(method, path, body, { ...headers, authorization });
          const error = errorOf(answer, 401, 'UNAUTHORIZED');
          expect(error.details).to.deep.equal({ reason: authorization === '' ? 'missing' : 'invalid' });
          expect(answer.headers.get('www-authenticate'), authorization).to.equal('Bearer');
        }
      });
    }

    it('changed nothing on the refused writes', async () => {
      expect((await node.api('GET', '/api/v1/departments/D-2')).status).to.equal(404);
      expect((await node.api('GET', '/api/v1/items/I-1')).status).to.equal(404);
      expect((await node.api('GET', '/api/v1/calendars/2027')).status).to.equal(404);
      expect((await node.api('GET', '/api/v1/policy')).body.yellowAtRemainingDays).to.equal(0);
      expect((await node.api('GET', '/api/v1/rejections')).body.items).to.deep.equal([]);
      expect((await node.api('GET', `/api/v1/cases/C?at=${q('2026-03-02T10:00:00+08:00')}`)).status).to.equal(404);
    });

    it('leaves /health public and lets the token through', async () => {
      const health = await node.api('GET', '/health', undefined, { authorization: '' });
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.include({ status: 'ok', database: { ok: true }, redis: { ok: true } });
      expect(health.body.node).to.deep.equal({ code: '610203', level: 'county', name: '监察节点 610203' });
      // The scheme is case-insensitive (RFC 7235).
      expect((await node.api('GET', '/api/v1/policy', undefined, { authorization: `bearer ${TEST_TOKEN}` })).status).to.equal(200);
      const metrics = await node.api('GET', '/metrics');
      expect(metrics.status).to.equal(200);
      expect(String(metrics.body)).to.contain('# TYPE');
    });
  });

  describe('unknown routes and methods', () => {
    it('answers 404 in the error shape', async () => {
      expect(errorOf(await node.api('GET', '/nope'), 404, 'NOT_FOUND').details).to.deep.equal({ path: '/nope' });
      expect(errorOf(await node.api('GET', '/api/v1/nope'), 404, 'NOT_FOUND').details).to.deep.equal({ path: '/api/v1/nope' });
      expect(errorOf(await node.api('GET', '/api/v1/items/NOPE'), 404, 'NOT_FOUND').details).to.deep.equal({ item: 'NOPE' });
      expect(errorOf(await node.api('GET', `/api/v1/cases/NOPE?at=${q('2026-03-02T10:00:00+08:00')}`), 404, 'NOT_FOUND').details).to.deep.equal({ caseNo: 'NOPE' });
    });

    it('asks for the token before saying whether an /api route exists', async () => {
      const unknown = await fetch(`${node.url}/api/v1/nope`);
      expect(unknown.status).to.equal(401);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal('UNAUTHORIZED');
      expect((await fetch(`${node.url}/api/whatever`)).status).to.equal(401);
    });

    it('answers 405 in the error shape, with Allow', async () => {
      const answer = await node.api('DELETE', '/api/v1/departments/D-1');
      const error = errorOf(answer, 405, 'METHOD_NOT_ALLOWED');
      expect(error.details.method).to.equal('DELETE');
      expect(error.details.allowed).to.include.members(['GET', 'PUT']);
      expect(answer.headers.get('allow')).to.contain('PUT');
      errorOf(await node.api('POST', '/api/v1/board', {}), 405, 'METHOD_NOT_ALLOWED');
      expect((await node.api('GET', '/api/v1/departments/D-1')).status).to.equal(200);
    });
  });

  describe('query parameters', () => {
    it('refuses an `at` that is not an instant with an offset, naming it', async () => {
      for (const at of ['2026-03-02', '2026-03-02T10:00:00', 'yesterday', '2026-02-30T10:00:00Z', '2026-02-28T24:00:00Z', '2026-03-02T10:00:60+08:00', '2026-13-01T10:00:00Z']) {
        for (const path of ['/api/v1/cases/C', '/api/v1/cases', '/api/v1/board']) {
          const error = errorOf(await node.api('GET', `${path}?at=${q(at)}`), 400, 'INVALID_PARAMETER');
          expect(error.details.field, `${path} ${at}`).to.equal('at');
        }
      }
      // The same instant written three ways gives the same board.
      const boards = await Promise.all(['2026-03-02T10:00:00+08:00', '2026-03-02T02:00:00Z', '2026-03-01T21:00:00-05:00'].map((at) => node.api('GET', `/api/v1/board?at=${q(at)}`)));
      expect(boards.map((b) => [b.status, b.body.at, b.body.date])).to.deep.equal(Array(3).fill([200, '2026-03-02T10:00:00.000+08:00', '2026-03-02']));
    });

    it('refuses bad list parameters, naming each', async () => {
      const cases: [string, string][] = [
        ['/api/v1/cases?limit=0', 'limit'],
        ['/api/v1/cases?limit=501', 'limit'],
        ['/api/v1/cases?limit=ten', 'limit'],
        ['/api/v1/cases?cursor=not%20a%20cursor', 'cursor'],
        ['/api/v1/cases?light=blue', 'light'],
        ['/api/v1/cases?status=closed', 'status'],
        ['/api/v1/cases?departmentCode=a%20b', 'departmentCode'],
        ['/api/v1/cases?itemCode=%E4%BA%8B%E9%A1%B9', 'itemCode'],
        ['/api/v1/departments?limit=-1', 'limit'],
        ['/api/v1/items?departmentCode=a%2Fb', 'departmentCode'],
        ['/api/v1/rejections?state=closed', 'state'],
        ['/api/v1/rejections?code=NOPE', 'code'],
        [`/api/v1/cases/${'C'.repeat(51)}`, 'caseNo'],
      ];
      for (const [path, field] of cases) {
        expect(errorOf(await node.api('GET', path), 400, 'INVALID_PARAMETER').details.field, path).to.equal(field);
      }
    });
  });

  describe('bodies', () => {
    it('refuses a JSON body over the limit with 413', async () => {
      const big = { events: [{ eventId: 'E', caseNo: 'C', type: 'stage', stage: 'review', occurredAt: '2026-03-02T10:00:00+08:00', opinion: 'x'.repeat(JSON_LIMIT) }] };
      errorOf(await node.api('POST', '/api/v1/events', big), 413, 'PAYLOAD_TOO_LARGE');
      errorOf(await node.api('PUT', '/api/v1/departments/D-3', { name: '部'.repeat(JSON_LIMIT) }), 413, 'PAYLOAD_TOO_LARGE');
      expect((await node.api('GET', '/api/v1/departments/D-3')).status).to.equal(404);
      // Just under the limit is fine.
      const small = { events: [{ ...big.events[0]!, opinion: 'x'.repeat(1000) }] };
      expect((await node.api('POST', '/api/v1/events', small)).status).to.equal(200);
    });

    it('refuses an import body over its limit with 413', async () => {
      const rows = ['eventId,caseNo,type,occurredAt,stage'];
      while (rows.join('\n').length <= IMPORT_LIMIT) rows.push(`E-${rows.length},C,stage,2026-03-02T10:00:00+08:00,review`);
      const error = errorOf(await node.api('POST', '/api/v1/imports', rows.join('\n'), { 'content-type': 'text/csv' }), 413, 'PAYLOAD_TOO_LARGE');
      expect(error.details).to.deep.equal({ limitBytes: IMPORT_LIMIT });
    });

    it('refuses a write whose body is not JSON with 415, changing nothing', async () => {
      const answer = await node.api('PUT', '/api/v1/departments/D-TEXT', 'name=部门', { 'content-type': 'text/plain' });
      expect(errorOf(answer, 415, 'UNSUPPORTED_MEDIA_TYPE').details).to.deep.equal({ field: 'Content-Type', allowed: ['application/json'] });
      errorOf(await node.api('POST', '/api/v1/events', '{"events": []}', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect((await node.api('GET', '/api/v1/departments/D-TEXT')).status).to.equal(404);
    });

    it('refuses invalid JSON with 400 INVALID_JSON', async () => {
      for (const text of ['{"events": [', '{events: []}', "{'events': []}", '{"events": []}}']) {
        errorOf(await node.api('POST', '/api/v1/events', text), 400, 'INVALID_JSON');
      }
      errorOf(await node.api('PUT', '/api/v1/policy', '{"yellowAtRemainingDays": 1,}'), 400, 'INVALID_JSON');
    });
  });

  describe('headers', () => {
    it('keeps answers from being framed, sniffed or cached, errors included', async () => {
      for (const answer of [await node.api('GET', '/health'), await node.api('GET', '/api/v1/nope'), await node.api('GET', '/api/v1/board', undefined, { authorization: '' })]) {
        expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(answer.headers.get('x-frame-options')).to.equal('DENY');
        expect(answer.headers.get('cache-control')).to.equal('no-store');
        expect(answer.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
        expect(answer.headers.get('content-type')).to.match(/^application\/json/);
      }
    });

    it('echoes a sane X-Request-Id and replaces another', async () => {
      expect((await node.api('GET', '/health', undefined, { 'x-request-id': 'trace-42.a_b' })).headers.get('x-request-id')).to.equal('trace-42.a_b');
      const replaced = (await node.api('GET', '/health', undefined, { 'x-request-id': 'bad id\twith spaces' })).headers.get('x-request-id');
      expect(replaced).to.match(/^[0-9a-f-]{36}$/);
    });
  });
});

/**
 * The log redaction on a real node, its log captured at trace level: signing in with a password
 * (right and wrong), refreshing, a client's token request with its secret (right and wrong),
 * events whose applicants carry ID numbers (one accepted, others that the ingest rejects), an
 * import holding one, and bearer tokens on every request. None of those secrets or ID numbers may
 * appear anywhere in the log, while the log still tells what happened (a line per request).
 */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../node/logger.ts';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { accepted, setUpCatalog, waitForImport } from '../support/api-fixtures.ts';
import { apiRequest } from '../support/api-request.ts';

const MON = '2026-03-02T10:00:00+08:00';
const PASSWORD = 'Lr7#kQ2!vM9@pZ4w';
const WRONG_PASSWORD = 'Wr0ng#Passw0rd!x';
const RESIDENT_ID = '110101199003071234';
const RESIDENT_ID_X = '11010119900307123X';
const PASSPORT = 'E98765432';
const QUERY_PASSWORD = 'Query-Pass-42';

describe('integration: secrets and ID numbers never reach the log', function () {
  this.timeout(60_000);
  let node: TestNode;
  const lines: string[] = [];

  before(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    node = await startTestNode({}, { logger: createLogger('trace', { node: '610203' }, stream) });
  });
  after(() => node?.close());

  it('logs every request without a password, secret, token or ID number in it', async () => {
    const secrets: Record<string, string> = { PASSWORD, WRONG_PASSWORD, RESIDENT_ID, RESIDENT_ID_X, PASSPORT, QUERY_PASSWORD, TEST_TOKEN };
    const as = (token: string | null) => (method: string, path: string, body?: unknown) => apiRequest(node.url, token, method, path, body);

    await setUpCatalog(node, { 'LR-D': '部门' }, [{ itemCode: 'LR-I', departmentCode: 'LR-D', legalLimitDays: 20, promisedLimitDays: 5 }]);
    const user = await node.api('POST', '/api/v1/users', { login: 'log.redaction', name: '日志', role: 'supervisor', password: PASSWORD });
    expect(user.status, JSON.stringify(user.body)).to.equal(201);
    const signedIn = await as(null)('POST', '/api/v1/auth/login', { login: 'log.redaction', password: PASSWORD });
    expect(signedIn.status).to.equal(200);
    expect((await as(null)('POST', '/api/v1/auth/login', { login: 'log.redaction', password: WRONG_PASSWORD })).status).to.equal(401);
    const refreshed = await as(null)('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: signedIn.body.refreshToken });
    expect(refreshed.status).to.equal(200);
    Object.assign(secrets, { accessToken: signedIn.body.accessToken, refreshToken: signedIn.body.refreshToken, refreshed: refreshed.body.access_token, nextRefresh: refreshed.body.refresh_token });
    expect((await as(signedIn.body.accessToken)('GET', '/api/v1/auth/me')).status).to.equal(200);

    const client = await node.api('POST', '/api/v1/clients', { name: '业务系统', departments: ['LR-D'] });
    expect(client.status).to.equal(201);
    const clientToken = await as(null)('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: client.body.clientId, client_secret: client.body.clientSecret });
    expect(clientToken.status).to.equal(200);
    expect((await as(null)('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: client.body.clientId, client_secret: `${client.body.clientSecret}x` })).status).to.equal(401);
    Object.assign(secrets, { clientSecret: client.body.clientSecret, clientToken: clientToken.body.access_token });

    const events = await as(clientToken.body.access_token)('POST', '/api/v1/events', { events: [
      accepted('LR-1', MON, 'LR-I', 'LR-D', { applicant: { name: '张三', idType: '111', idNo: RESIDENT_ID }, queryPassword: QUERY_PASSWORD }),
      accepted('LR-2', MON, 'NO-SUCH-ITEM', 'LR-D', { applicant: { name: '李四', idType: '111', idNo: RESIDENT_ID_X } }),
      accepted('LR-3', MON, 'LR-I', 'NO-SUCH-DEPT', { applicant: { name: 'John', idType: '414', idNo: PASSPORT } }),
    ] });
    expect(events.body.results.map((result: { status: string }) => result.status)).to.deep.equal(['accepted', 'rejected', 'rejected']);
    const imported = await node.api('POST', '/api/v1/imports', JSON.stringify(accepted('LR-4', MON, 'LR-I', 'NO-SUCH-DEPT', { applicant: { name: '王五', idNo: RESIDENT_ID } })), { 'content-type': 'application/x-ndjson' });
    expect(imported.status).to.equal(202);
    expect((await waitForImport(node, imported.body.id)).rejected).to.equal(1);

    // The node's own logger masks ID numbers in free text and error messages, wherever they come from.
    node.node.logger.error({ err: new Error(`duplicate key (id_no)=(${RESIDENT_ID})`) }, `applicant ${RESIDENT_ID_X} refused`);

    const log = lines.join('\n');
    for (const [name, value] of Object.entries(secrets)) expect(log.includes(value), `${name} in the log`).to.equal(false);
    const requests = lines.map((line) => JSON.parse(line) as { msg: string; method?: string; route?: string; status?: number }).filter((line) => line.msg === 'request');
    expect(requests.map((line) => `${line.method} ${line.route} ${line.status}`)).to.include.members([
      'POST /api/v1/auth/login 200', 'POST /api/v1/auth/login 401', 'POST /api/v1/auth/token 200', 'POST /api/v1/auth/token 401', 'POST /api/v1/events 200', 'POST /api/v1/imports 202',
    ]);
    expect(log).to.contain('applicant [redacted] refused').and.contain('duplicate key (id_no)=([redacted])');
  });
});

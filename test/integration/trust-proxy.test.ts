/**
 * TRUST_PROXY: which address the node takes as the client's, for its rate limits and its audit
 * trail. Without it (the default) X-Forwarded-For is the client's own text and is ignored: a client
 * cannot escape a limit or write another address into the trail. With it, the node sits behind one
 * reverse proxy that appends the address it saw, and the last entry of the header is the client.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { withClient } from '../support/test-database.ts';

const LOGIN = { login: 'nobody', password: 'wrong-password' };

async function addressOf(node: TestNode, requestId: string): Promise<string | null> {
  return withClient(node.database.url, async (client) => {
    const { rows } = await client.query<{ address: string | null }>('SELECT address FROM audit_log WHERE request_id = $1', [requestId]);
    expect(rows, `one audit entry for ${requestId}`).to.have.length(1);
    return rows[0]!.address;
  });
}

/** Sign-in attempts with `forwardedFor` until refused; answers the statuses. */
async function signIns(node: TestNode, count: number, forwardedFor: (attempt: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    statuses.push((await node.api('POST', '/api/v1/auth/login', LOGIN, { 'x-forwarded-for': forwardedFor(attempt) })).status);
  }
  return statuses;
}

describe('integration: TRUST_PROXY and the client address', function () {
  this.timeout(60_000);

  describe('not set (default): X-Forwarded-For is ignored', () => {
    let node: TestNode;
    before(async () => {
      node = await startTestNode({ RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    });
    after(() => node?.close());

    it('records the socket address in the audit trail, not the forged one', async () => {
      const answer = await node.api('PUT', '/api/v1/departments/XF', { name: '信访局' }, { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'forged-xff-put' });
      expect(answer.status).to.equal(201);
      expect(await addressOf(node, 'forged-xff-put')).to.equal('127.0.0.1');
    });

    it('counts every sign-in from one socket address together, whatever the header says', async () => {
      expect(await signIns(node, 3, (attempt) => `198.51.100.${attempt + 1}`)).to.deep.equal([401, 401, 429]);
    });
  });

  describe('TRUST_PROXY=true: the address the proxy appended', () => {
    let node: TestNode;
    before(async () => {
      node = await startTestNode({ RATE_LIMIT_LOGIN_PER_MINUTE: '2', TRUST_PROXY: 'true' });
    });
    after(() => node?.close());

    it('records the proxy\'s entry (the last one) in the audit trail, not what the client wrote before it', async () => {
      const answer = await node.api('PUT', '/api/v1/departments/XF', { name: '信访局' }, { 'x-forwarded-for': '203.0.113.7, 192.0.2.44', 'x-request-id': 'proxied-put' });
      expect(answer.status).to.equal(201);
      expect(await addressOf(node, 'proxied-put')).to.equal('192.0.2.44');
    });

    it('limits each client address apart, and a client cannot escape its limit by writing addresses before the proxy\'s', async () => {
      expect(await signIns(node, 3, () => '198.51.100.20'), 'one client').to.deep.equal([401, 401, 429]);
      expect(await signIns(node, 1, () => '198.51.100.21'), 'another client has its own count').to.deep.equal([401]);
      expect(await signIns(node, 2, (attempt) => `10.9.9.${attempt}, 198.51.100.20`), 'the first client, forging entries in front').to.deep.equal([429, 429]);
    });
  });
});

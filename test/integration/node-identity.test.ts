/** The node's public keys at /.well-known/jwks.json, and rotation keeping old kids. */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';

describe('integration: node identity', function () {
  this.timeout(60000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
  });
  after(async () => {
    await node?.close();
  });

  it('publishes one Ed25519 public key without any private part, without authentication', async () => {
    const answer = await fetch(`${node.url}/.well-known/jwks.json`);
    expect(answer.status).to.equal(200);
    const jwks = (await answer.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).to.have.length(1);
    expect(jwks.keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]!.kid).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(jwks.keys[0]).to.not.have.property('d');
  });

  it('rotates on demand: a new current kid, the old one still published', async () => {
    const before = ((await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const rotated = await node.api('POST', '/api/v1/federation/keys/rotate');
    expect(rotated.status).to.equal(200);
    expect(rotated.body.currentKid).to.not.equal(before[0]);
    const after = ((await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(after).to.have.length(2);
    expect(after).to.include.members([before[0]!, rotated.body.currentKid]);
    expect((await fetch(`${node.url}/api/v1/federation/keys/rotate`, { method: 'POST' })).status).to.equal(401);
  });

  it('keeps the same keys across a restart with the same secret', async () => {
    const kids = async (url: string) => ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();
    const first = await kids(node.url);
    const { startNode } = await import('../../node/server.ts');
    const { loadSettings } = await import('../../node/config/settings.ts');
    const { createLogger } = await import('../../node/logger.ts');
    const { REDIS_URL, uniqueQueuePrefix } = await import('../support/test-database.ts');
    const again = await startNode(loadSettings({
      ADMIN_TOKEN: 'another-admin-token-0123456789', DATABASE_URL: node.database.appUrl, DATABASE_OWNER_URL: node.database.url, REDIS_URL, NODE_CODE: '610203',
      PORT: '0', QUEUE_PREFIX: uniqueQueuePrefix(), NODE_KEY_SECRET: 'test-node-key-secret-0123456789',
    }), { logger: createLogger('silent', {}) });
    try {
      expect(await kids(again.url)).to.deep.equal(first);
    } finally {
      await again.close();
    }
  });
});

import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { AccessTokenError, AccessTokens } from '../../../node/access/access-tokens.ts';
import { NodeKeyRing, NodeSigningKey } from '../../../federation/keys/node-keys.ts';
import { signMessage } from '../../../federation/keys/signed-message.ts';

const T0 = new Date('2026-03-02T10:00:00+08:00');
const USER = '11111111-2222-4333-8444-555555555555';
const SESSION = '66666666-7777-4888-9999-aaaaaaaaaaaa';

async function refusal(tokens: AccessTokens, token: string): Promise<string> {
  try {
    await tokens.verify(token);
  } catch (error) {
    expect(error).to.be.instanceOf(AccessTokenError);
    return (error as AccessTokenError).reason;
  }
  throw new Error('the token was accepted');
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access: access tokens', () => {
  let ring: NodeKeyRing;
  let now: Date;
  let tokens: AccessTokens;

  beforeEach(async () => {
    ring = new NodeKeyRing(await NodeSigningKey.generate(T0));
    now = T0;
    tokens = new AccessTokens({ ring: () => ring, nodeCode: '610203', lifetimeSeconds: 900, now: () => now });
  });

  it('issues an EdDSA at+jwt under the current kid, for this node, and verifies it', async () => {
    const issued = await tokens.issueForUser(USER, SESSION);
    expect(issued.expiresIn).to.equal(900);
    expect(issued.expiresAt.getTime()).to.equal(T0.getTime() + 900_000);
    expect(decodeProtectedHeader(issued.token)).to.deep.equal({ alg: 'EdDSA', kid: ring.currentKid, typ: 'at+jwt' });
    const claims = decodeJwt(issued.token);
    expect(claims).to.include({ iss: '610203', aud: '610203', sub: USER, kind: 'user', sid: SESSION, iat: T0.getTime() / 1000, exp: T0.getTime() / 1000 + 900 });
    expect(claims.jti).to.be.a('string');
    expect(await tokens.verify(issued.token)).to.deep.equal({ kind: 'user', userId: USER, sessionId: SESSION, expiresAt: issued.expiresAt });
  });

  it('carries the secret version for a client', async () => {
    const issued = await tokens.issueForClient('c_0123456789abcdef01234567', 3);
    expect(await tokens.verify(issued.token)).to.deep.equal({ kind: 'client', clientId: 'c_0123456789abcdef01234567', secretVersion: 3, expiresAt: issued.expiresAt });
  });

  it('expires by the clock it is given', async () => {
    const { token } = await tokens.issueForUser(USER, SESSION);
    now = new Date(T0.getTime() + 899_000);
    await tokens.verify(token);
    now = new Date(T0.getTime() + 900_000);
    expect(await refusal(tokens, token)).to.equal('expired');
  });

  it('keeps verifying tokens signed before a key rotation, and signs new ones with the new key', async () => {
    const before = await tokens.issueForUser(USER, SESSION);
    ring = ring.rotatedTo(await NodeSigningKey.generate(T0), T0);
    await tokens.verify(before.token);
    const after = await tokens.issueForUser(USER, SESSION);
    expect(decodeProtectedHeader(after.token).kid).to.equal(ring.currentKid).and.not.equal(decodeProtectedHeader(before.token).kid);
    await tokens.verify(after.token);
  });

  it('refuses a token signed by another Ed25519 key, even under this node\'s kid', async () => {
    const { token } = await tokens.issueForUser(USER, SESSION);
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'EdDSA', kid: ring.currentKid, typ: 'at+jwt' }).sign(privateKey);
    expect(await refusal(tokens, forged)).to.equal('invalid');
  });

  it('refuses alg none and HS256 keyed with the public key', async () => {
    const { token } = await tokens.issueForUser(USER, SESSION);
    const claims = decodeJwt(token);
    expect(await refusal(tokens, `${segment({ alg: 'none', typ: 'at+jwt', kid: ring.currentKid })}.${segment(claims)}.`)).to.equal('invalid');
    const publicBytes = Buffer.from(ring.publicKey(ring.currentKid)!.x, 'base64url');
    for (const secret of [publicBytes, new TextEncoder().encode(JSON.stringify(ring.publicKey(ring.currentKid)))]) {
      const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: ring.currentKid, typ: 'at+jwt' }).sign(secret);
      expect(await refusal(tokens, hs)).to.equal('invalid');
    }
  });

  it('refuses an altered payload, another audience or issuer, an unknown kid, a wrong typ', async () => {
    const { token } = await tokens.issueForUser(USER, SESSION);
    const [header, , signature] = token.split('.');
    const claims = decodeJwt(token);
    expect(await refusal(tokens, `${header}.${segment({ ...claims, sub: '99999999-2222-4333-8444-555555555555' })}.${signature}`)).to.equal('invalid');
    expect(await refusal(tokens, `${header}.${segment({ ...claims, exp: claims.exp! + 3600 })}.${signature}`)).to.equal('invalid');
    const other = new AccessTokens({ ring: () => ring, nodeCode: '610200', lifetimeSeconds: 900, now: () => now });
    expect(await refusal(tokens, (await other.issueForUser(USER, SESSION)).token)).to.equal('invalid');
    const stranger = new NodeKeyRing(await NodeSigningKey.generate(T0));
    const strangerTokens = new AccessTokens({ ring: () => stranger, nodeCode: '610203', lifetimeSeconds: 900, now: () => now });
    expect(await refusal(tokens, (await strangerTokens.issueForUser(USER, SESSION)).token)).to.equal('invalid');
    // A federation message signed with the very same key is not an access token.
    const message = await signMessage(ring, 'sv-batch+jws', { ...claims });
    expect(await refusal(tokens, message)).to.equal('invalid');
  });

  it('refuses a genuine signature over claims that do not make a token', async () => {
    const key = ring.current;
    const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setIssuer('610203').setAudience('610203').setIssuedAt(T0.getTime() / 1000).setExpirationTime(T0.getTime() / 1000 + 60).setJti('j').sign(key.privateKey());
    expect(await refusal(tokens, await sign({ sub: USER, kind: 'user' }))).to.equal('invalid'); // no sid
    expect(await refusal(tokens, await sign({ sub: USER, kind: 'admin', sid: SESSION }))).to.equal('invalid');
    expect(await refusal(tokens, await sign({ sub: 'c_1', kind: 'client', ver: '1' }))).to.equal('invalid');
    expect(await refusal(tokens, await new SignJWT({ sub: USER, kind: 'user', sid: SESSION }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setIssuer('610203').setAudience('610203').setIssuedAt(T0.getTime() / 1000).setJti('j').sign(key.privateKey()))).to.equal('invalid'); // no exp
    expect(await refusal(tokens, 'not-a-token')).to.equal('invalid');
    expect(await refusal(tokens, 'a'.repeat(5000))).to.equal('invalid');
  });
});

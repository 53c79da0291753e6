import { expect } from 'chai';
import { CompactSign, compactVerify, generateKeyPair, exportJWK, importJWK } from 'jose';
import { inspect } from 'node:util';
import { NodeKeyRing, NodeSigningKey, asEd25519PublicJwk, ed25519Kid } from '../../../../federation/keys/node-keys.ts';
import { RFC8037, rfc8037SecretSpellings, rfc8037Seed } from './rfc8037.ts';

const T0 = new Date('2026-01-05T00:00:00Z');
const T1 = new Date('2026-03-02T00:00:00Z');
const T2 = new Date('2026-06-01T00:00:00Z');

/** Everything a caller could print or serialise about `value`. */
function renderings(value: object): string[] {
  return [JSON.stringify(value), String(value), inspect(value, { depth: Infinity, showHidden: true, getters: true })];
}

describe('federation/keys/node-keys', () => {
  describe('RFC 8037 appendix A', () => {
    it('gives the A.3 thumbprint as kid (RFC 7638, SHA-256)', async () => {
      expect(await ed25519Kid(RFC8037.x)).to.equal(RFC8037.thumbprint);
      const key = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      expect(key.kid).to.equal(RFC8037.thumbprint);
      expect(key.publicJwk).to.deep.equal({ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, kid: RFC8037.thumbprint, alg: 'EdDSA', use: 'sig' });
    });

    it('signs the A.4 example byte for byte (Ed25519 is deterministic)', async () => {
      const key = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      const jws = await new CompactSign(new TextEncoder().encode(RFC8037.payload)).setProtectedHeader({ alg: 'EdDSA' }).sign(key.privateKey());
      expect(jws).to.equal(RFC8037.jws);
    });

    it('verifies the A.4 signature with the published public JWK', async () => {
      const key = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      const { payload } = await compactVerify(RFC8037.jws, await importJWK(key.publicJwk, 'EdDSA'), { algorithms: ['EdDSA'] });
      expect(new TextDecoder().decode(payload)).to.equal(RFC8037.payload);
    });
  });

  describe('NodeSigningKey', () => {
    it('generates distinct keys whose kid is the thumbprint of x', async () => {
      const a = await NodeSigningKey.generate(T0);
      const b = await NodeSigningKey.generate(T0);
      expect(a.kid).to.not.equal(b.kid);
      expect(a.kid).to.equal(await ed25519Kid(a.publicJwk.x));
      expect(a.publicJwk.x).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(a.createdAt.toISOString()).to.equal(T0.toISOString());
    });

    it('holds a private key that signs but cannot be exported', async () => {
      const key = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      const cryptoKey = key.privateKey();
      expect(cryptoKey.extractable).to.equal(false);
      expect(cryptoKey.usages).to.deep.equal(['sign']);
      let refused = false;
      try {
        await exportJWK(cryptoKey);
      } catch {
        refused = true;
      }
      expect(refused).to.equal(true);
    });

    it('shows no private key material in JSON, toString or inspect', async () => {
      const key = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      for (const text of renderings(key)) {
        expect(text).to.include(RFC8037.thumbprint);
        for (const secret of rfc8037SecretSpellings()) expect(text).to.not.include(secret);
      }
      expect(JSON.parse(JSON.stringify(key))).to.not.have.nested.property('publicJwk.d');
    });

    it('rejects a seed of the wrong length and an invalid date', async () => {
      for (const [seed, at] of [[new Uint8Array(31), T0], [new Uint8Array(64), T0], [new Uint8Array(32), new Date(Number.NaN)]] as const) {
        let error: unknown;
        try {
          await NodeSigningKey.fromSeed(seed, at);
        } catch (caught) {
          error = caught;
        }
        expect(error).to.be.instanceOf(TypeError);
      }
    });
  });

  describe('asEd25519PublicJwk', () => {
    it('normalises an Ed25519 public JWK and recomputes the kid, dropping d', async () => {
      const jwk = await asEd25519PublicJwk({ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, d: RFC8037.d, kid: 'whatever', ext: true });
      expect(jwk).to.deep.equal({ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, kid: RFC8037.thumbprint, alg: 'EdDSA', use: 'sig' });
    });

    it('refuses anything that is not an Ed25519 public key', async () => {
      const rsa = await exportJWK((await generateKeyPair('RS256')).publicKey);
      const p256 = await exportJWK((await generateKeyPair('ES256')).publicKey);
      const x25519 = await exportJWK((await generateKeyPair('ECDH-ES', { crv: 'X25519' })).publicKey);
      const candidates: unknown[] = [
        null, 'key', [], rsa, p256, x25519,
        { kty: 'oct', k: RFC8037.x },
        { kty: 'OKP', crv: 'Ed448', x: RFC8037.x },
        { kty: 'OKP', crv: 'Ed25519' },
        { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x.slice(1) },
        { kty: 'OKP', crv: 'Ed25519', x: `${RFC8037.x}A` },
        { kty: 'OKP', crv: 'Ed25519', x: `${RFC8037.x.slice(0, 42)}p` }, // stray low bits: not canonical
        { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x.replace('_', '/') },
        { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, alg: 'RS256' },
        { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, use: 'enc' },
      ];
      for (const candidate of candidates) expect(await asEd25519PublicJwk(candidate), JSON.stringify(candidate)).to.equal(null);
    });
  });

  describe('NodeKeyRing', () => {
    it('publishes the current key as a JWKS with exactly the public members', async () => {
      const ring = new NodeKeyRing(await NodeSigningKey.fromSeed(rfc8037Seed(), T0));
      expect(ring.currentKid).to.equal(RFC8037.thumbprint);
      expect(ring.publicJwks()).to.deep.equal({
        keys: [{ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, kid: RFC8037.thumbprint, alg: 'EdDSA', use: 'sig' }],
      });
    });

    it('keeps retired public keys after rotations, newest first, marked with retiredAt', async () => {
      const first = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
      const second = await NodeSigningKey.generate(T1);
      const third = await NodeSigningKey.generate(T2);
      const ring = new NodeKeyRing(first).rotatedTo(second, T1).rotatedTo(third, T2);

      expect(ring.currentKid).to.equal(third.kid);
      expect(ring.keys().map((key) => [key.kid, key.retiredAt?.toISOString() ?? null])).to.deep.equal([
        [third.kid, null],
        [second.kid, T2.toISOString()],
        [first.kid, T1.toISOString()],
      ]);
      expect(ring.publicJwks().keys.map((key) => key.kid)).to.deep.equal([third.kid, second.kid, first.kid]);
      for (const key of ring.publicJwks().keys) expect(Object.keys(key).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(await ring.resolveKey(first.kid)).to.deep.equal(first.publicJwk);
      expect(await ring.resolveKey(RFC8037.thumbprint.replace('k', 'K'))).to.equal(null);
    });

    it('does not let a caller change the ring through its JWKS answer', async () => {
      const ring = new NodeKeyRing(await NodeSigningKey.generate(T0));
      const jwks = ring.publicJwks();
      (jwks.keys[0] as { x: string }).x = RFC8037.x;
      expect(ring.publicJwks().keys[0]?.x).to.not.equal(RFC8037.x);
    });

    it('refuses duplicate kids and retired keys without retiredAt', async () => {
      const key = await NodeSigningKey.generate(T0);
      const other = await NodeSigningKey.generate(T0);
      expect(() => new NodeKeyRing(key, [key.publicKey(T1)])).to.throw(TypeError, /twice/);
      expect(() => new NodeKeyRing(key, [other.publicKey(null)])).to.throw(TypeError, /retiredAt/);
    });

    it('shows no private key material in JSON, toString or inspect', async () => {
      const ring = new NodeKeyRing(await NodeSigningKey.fromSeed(rfc8037Seed(), T0)).rotatedTo(await NodeSigningKey.generate(T1), T1);
      const texts = [...renderings(ring), JSON.stringify(ring.publicJwks()), inspect(ring.keys(), { depth: Infinity, showHidden: true })];
      for (const text of texts) for (const secret of rfc8037SecretSpellings()) expect(text).to.not.include(secret);
      expect(JSON.stringify(ring.publicJwks())).to.not.match(/"d"/);
    });
  });
});

import { expect } from 'chai';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createHmac, webcrypto } from 'node:crypto';
import { NodeKeyRing, NodeSigningKey } from '../../../../federation/keys/node-keys.ts';
import {
  SignatureError,
  canonicalJson,
  signMessage,
  verifyMessage,
  type KeyResolver,
  type SignatureErrorCode,
} from '../../../../federation/keys/signed-message.ts';
import { RFC8037, rfc8037SecretSpellings, rfc8037Seed } from './rfc8037.ts';
import { rejectionOf } from '../../../support/rejection.ts';

const TYP = 'sv-batch+jws';
const T0 = new Date('2026-01-05T00:00:00Z');
const T1 = new Date('2026-03-02T00:00:00Z');

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (segment: string): string => Buffer.from(segment, 'base64url').toString('utf8');

/** The three segments of a compact JWS. */
function parts(jws: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = jws.split('.');
  return [header, payload, signature];
}

const refusal = (promise: Promise<unknown>): Promise<SignatureError> => rejectionOf(promise, SignatureError);

async function expectCode(jws: unknown, resolve: KeyResolver, code: SignatureErrorCode, typ = TYP): Promise<SignatureError> {
  const error = await refusal(verifyMessage(jws as string, resolve, typ));
  expect(error.code, error.message).to.equal(code);
  return error;
}

/** Signs `payload` bytes with an arbitrary header using the key directly, bypassing signMessage. */
async function rawSign(key: NodeSigningKey, header: Record<string, unknown>, payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(key.privateKey());
}

/** Signs any header, even one jose would refuse to write (crit, b64), straight with Web Crypto. */
async function handSign(key: NodeSigningKey, header: Record<string, unknown>, payload: string): Promise<string> {
  const input = `${b64(JSON.stringify(header))}.${b64(payload)}`;
  const signature = await webcrypto.subtle.sign('Ed25519', key.privateKey(), new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

describe('federation/keys/signed-message', () => {
  let rfcKey: NodeSigningKey;
  let ring: NodeKeyRing;
  const batch = { sequence: 7, node: '610203', summaries: [{ z: 1, a: '办件', n: 1.5e-7 }], previous: null };

  before(async () => {
    rfcKey = await NodeSigningKey.fromSeed(rfc8037Seed(), T0);
    ring = new NodeKeyRing(rfcKey);
  });

  describe('canonicalJson (RFC 8785)', () => {
    it('sorts keys, drops whitespace and writes numbers in ECMAScript form', () => {
      expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' })).to.equal('{"a":"x","b":[1,{"c":null,"d":true}]}');
      expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 100, 4.5])).to.equal('[1e+21,1e-7,0,0.30000000000000004,100,4.5]');
      // RFC 8785 3.2.3's example: UTF-16 code units put U+1F600 (D83D DE00) before U+FB33.
      const keys = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
      expect(canonicalJson(keys).match(/"[^"]*":/g)).to.deep.equal(['"\\r":', '"1":', '"\u0080":', '"\u00f6":', '"\u20ac":', '"\ud83d\ude00":', '"\ufb33":']);
      expect(canonicalJson({ at: new Date('2026-01-05T08:00:00+08:00'), gone: undefined })).to.equal('{"at":"2026-01-05T00:00:00.000Z"}');
    });

    it('refuses what is not JSON data', () => {
      for (const value of [undefined, () => 1, { f: () => 1 }, Number.NaN, [Infinity], 10n, { s: '\ud800' }]) {
        expect(() => canonicalJson(value)).to.throw(TypeError);
      }
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      expect(() => canonicalJson(cycle)).to.throw(TypeError);
    });
  });

  describe('signMessage / verifyMessage', () => {
    it('round-trips a payload, signed over its canonical JSON with header {alg, kid, typ}', async () => {
      const jws = await signMessage(ring, TYP, batch);
      const [header, payload] = parts(jws);
      expect(JSON.parse(unb64(header))).to.deep.equal({ alg: 'EdDSA', kid: RFC8037.thumbprint, typ: TYP });
      expect(unb64(payload)).to.equal(canonicalJson(batch));

      const verified = await verifyMessage(jws, ring.resolveKey, TYP);
      expect(verified).to.deep.equal({ payload: batch, kid: RFC8037.thumbprint, typ: TYP });
    });

    it('gives the same message for the same content whatever the key order', async () => {
      const reordered = { summaries: [{ n: 1.5e-7, a: '办件', z: 1 }], previous: null, node: '610203', sequence: 7 };
      expect(await signMessage(ring, TYP, reordered)).to.equal(await signMessage(ring, TYP, batch));
    });

    it('verifies against a resolver that knows only the public JWK', async () => {
      const jws = await signMessage(ring, 'sv-receipt+jws', ['ok']);
      const pinned: Record<string, JWK> = { [RFC8037.thumbprint]: { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x } };
      const verified = await verifyMessage(jws, async (kid) => pinned[kid] ?? null, 'sv-receipt+jws');
      expect(verified.payload).to.deep.equal(['ok']);
    });

    it('still verifies a message signed with a key that was rotated away since', async () => {
      const old = await signMessage(ring, TYP, batch);
      const rotated = ring.rotatedTo(await NodeSigningKey.generate(T1), T1);
      const fresh = await signMessage(rotated, TYP, batch);
      expect(parts(fresh)[0]).to.not.equal(parts(old)[0]);

      expect((await verifyMessage(old, rotated.resolveKey, TYP)).kid).to.equal(RFC8037.thumbprint);
      expect((await verifyMessage(fresh, rotated.resolveKey, TYP)).kid).to.equal(rotated.currentKid);
      // The old ring never knew the new key.
      await expectCode(fresh, ring.resolveKey, 'UNKNOWN_KEY');
    });

    it('refuses a typ that is not a media-type token and a payload that is not JSON', async () => {
      for (const typ of ['', 'two words', 'a\nb', 'x'.repeat(101)]) {
        let error: unknown;
        try {
          await signMessage(ring, typ, {});
        } catch (caught) {
          error = caught;
        }
        expect(error, typ).to.be.instanceOf(TypeError);
      }
      let error: unknown;
      try {
        await signMessage(ring, TYP, { n: Number.NaN });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(TypeError);
    });
  });

  describe('refusals', () => {
    let jws: string;
    let other: NodeKeyRing;
    /** Knows both the RFC key and another node's key. */
    let both: KeyResolver;

    before(async () => {
      jws = await signMessage(ring, TYP, batch);
      other = new NodeKeyRing(await NodeSigningKey.generate(T0));
      both = async (kid) => (await ring.resolveKey(kid)) ?? other.resolveKey(kid);
    });

    it('BAD_SIGNATURE for a tampered payload', async () => {
      const [header, , signature] = parts(jws);
      const tampered = canonicalJson({ ...batch, sequence: 8 });
      await expectCode(`${header}.${b64(tampered)}.${signature}`, ring.resolveKey, 'BAD_SIGNATURE');
    });

    it('BAD_SIGNATURE for a tampered header (typ changed after signing)', async () => {
      const [, payload, signature] = parts(jws);
      const header = b64(JSON.stringify({ alg: 'EdDSA', kid: RFC8037.thumbprint, typ: 'sv-receipt+jws' }));
      await expectCode(`${header}.${payload}.${signature}`, ring.resolveKey, 'BAD_SIGNATURE', 'sv-receipt+jws');
    });

    it('BAD_SIGNATURE for a flipped signature bit', async () => {
      const [header, payload, signature] = parts(jws);
      const bytes = Buffer.from(signature, 'base64url');
      bytes[10] = (bytes[10] ?? 0) ^ 0x01;
      await expectCode(`${header}.${payload}.${bytes.toString('base64url')}`, ring.resolveKey, 'BAD_SIGNATURE');
    });

    it('BAD_SIGNATURE for a kid swapped to another known key', async () => {
      const [, payload, signature] = parts(jws);
      const header = b64(JSON.stringify({ alg: 'EdDSA', kid: other.currentKid, typ: TYP }));
      const error = await expectCode(`${header}.${payload}.${signature}`, both, 'BAD_SIGNATURE');
      expect(error.kid).to.equal(other.currentKid);
      // And a message of the other node relabelled with the RFC kid.
      const theirs = parts(await signMessage(other, TYP, batch));
      const relabelled = b64(JSON.stringify({ alg: 'EdDSA', kid: RFC8037.thumbprint, typ: TYP }));
      await expectCode(`${relabelled}.${theirs[1]}.${theirs[2]}`, both, 'BAD_SIGNATURE');
    });

    it('BAD_SIGNATURE for alg none', async () => {
      const [, payload] = parts(jws);
      for (const alg of ['none', 'None', 'NONE']) {
        const header = b64(JSON.stringify({ alg, kid: RFC8037.thumbprint, typ: TYP }));
        await expectCode(`${header}.${payload}.`, ring.resolveKey, 'BAD_SIGNATURE');
      }
      await expectCode(`${b64('{"alg":"none"}')}.${payload}.`, ring.resolveKey, 'BAD_SIGNATURE');
    });

    it('BAD_SIGNATURE for HS256 made with the public key as the HMAC secret', async () => {
      const [, payload] = parts(jws);
      const header = b64(JSON.stringify({ alg: 'HS256', kid: RFC8037.thumbprint, typ: TYP }));
      const secrets = [Buffer.from(RFC8037.x, 'base64url'), Buffer.from(RFC8037.x), Buffer.from(JSON.stringify(rfcKey.publicJwk))];
      for (const secret of secrets) {
        const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        await expectCode(`${header}.${payload}.${mac}`, ring.resolveKey, 'BAD_SIGNATURE');
      }
    });

    it('BAD_SIGNATURE for other algorithms, including the fully specified Ed25519 and a missing alg', async () => {
      const [, payload, signature] = parts(jws);
      for (const alg of ['Ed25519', 'EdDSA ', 'eddsa', 'ES256', 'RS256', 'HS512', undefined, 1]) {
        const header = b64(JSON.stringify({ alg, kid: RFC8037.thumbprint, typ: TYP }));
        await expectCode(`${header}.${payload}.${signature}`, ring.resolveKey, 'BAD_SIGNATURE');
      }
    });

    it('UNKNOWN_KEY for a kid the resolver does not know', async () => {
      const error = await expectCode(jws, other.resolveKey, 'UNKNOWN_KEY');
      expect(error.kid).to.equal(RFC8037.thumbprint);
    });

    it('UNKNOWN_KEY when the kid resolves to a key that is not Ed25519', async () => {
      const rsa = await exportJWK((await generateKeyPair('RS256')).publicKey);
      const p256 = await exportJWK((await generateKeyPair('ES256')).publicKey);
      const x25519 = await exportJWK((await generateKeyPair('ECDH-ES', { crv: 'X25519' })).publicKey);
      const oct: JWK = { kty: 'oct', k: RFC8037.x };
      for (const jwk of [rsa, p256, x25519, oct, { kty: 'OKP', crv: 'Ed25519', x: RFC8037.x, alg: 'HS256' }]) {
        await expectCode(jws, async () => jwk, 'UNKNOWN_KEY');
      }
    });

    it('UNKNOWN_KEY when the kid resolves to an Ed25519 key with another thumbprint', async () => {
      await expectCode(jws, async () => other.current.publicJwk, 'UNKNOWN_KEY');
    });

    it('WRONG_TYPE for a valid signature over another kind of message, or none', async () => {
      const error = await expectCode(jws, ring.resolveKey, 'WRONG_TYPE', 'sv-receipt+jws');
      expect(error.message).to.include('sv-batch+jws');
      await expectCode(await rawSign(rfcKey, { kid: rfcKey.kid }, canonicalJson(batch)), ring.resolveKey, 'WRONG_TYPE');
    });

    it('MALFORMED for what is not a compact JWS of this protocol', async () => {
      const [header, payload, signature] = parts(jws);
      const cases: unknown[] = [
        42, null, '', 'a.b', `${jws}.x`, `${header}.${payload}`,
        `${header}.${payload}.${signature}=`, // padding
        `${header}.${payload.replace(/.$/, '+')}.${signature}`, // not the URL-safe alphabet
        `${header}.${payload}.${signature.slice(0, -1)}h`, // stray trailing bits: a second spelling of one signature
        `${b64('not json')}.${payload}.${signature}`,
        `${b64('["EdDSA"]')}.${payload}.${signature}`,
        `.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', typ: TYP }))}.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', kid: 7, typ: TYP }))}.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', kid: '', typ: TYP }))}.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', kid: `${rfcKey.kid}\n`, typ: TYP }))}.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', kid: 'x'.repeat(10000), typ: TYP }))}.${payload}.${signature}`,
        `${b64(JSON.stringify({ alg: 'EdDSA', kid: rfcKey.kid, typ: 3 }))}.${payload}.${signature}`,
        `${header}..${signature}`,
        `${header}.${payload}.`,
      ];
      for (const candidate of cases) await expectCode(candidate, ring.resolveKey, 'MALFORMED');
    });

    it('MALFORMED for header members the protocol does not use, even when signed', async () => {
      const body = canonicalJson(batch);
      const headers = [
        { kid: rfcKey.kid, typ: TYP, crit: ['exp'], exp: 1 },
        { kid: rfcKey.kid, typ: TYP, b64: false, crit: ['b64'] },
        { kid: rfcKey.kid, typ: TYP, jwk: { kty: 'OKP', crv: 'Ed25519', x: other.current.publicJwk.x } },
        { kid: rfcKey.kid, typ: TYP, jku: 'https://attacker.example/jwks.json' },
        { kid: rfcKey.kid, typ: TYP, cty: 'json' },
      ];
      for (const extra of headers) {
        const signed = await handSign(rfcKey, { alg: 'EdDSA', ...extra }, body);
        await expectCode(signed, ring.resolveKey, 'MALFORMED');
      }
      // The hand-signing itself is sound: the protocol's header verifies the same way.
      expect((await verifyMessage(await handSign(rfcKey, { alg: 'EdDSA', kid: rfcKey.kid, typ: TYP }, body), ring.resolveKey, TYP)).kid).to.equal(rfcKey.kid);
    });

    it('MALFORMED for a validly signed payload that is not canonical JSON', async () => {
      const header = { kid: rfcKey.kid, typ: TYP };
      for (const body of ['{"b":1,"a":2}', '{"a": 1}', '{"a":1,"a":2}', '{"n":1.0}', '{"n":12345678901234567890}', 'not json', '"\\u0061"']) {
        await expectCode(await rawSign(rfcKey, header, body), ring.resolveKey, 'MALFORMED');
      }
      const invalidUtf8 = new CompactSign(Uint8Array.of(0x22, 0xff, 0x22)).setProtectedHeader({ alg: 'EdDSA', ...header });
      await expectCode(await invalidUtf8.sign(rfcKey.privateKey()), ring.resolveKey, 'MALFORMED');
      // The canonical spelling of the same content verifies.
      expect((await verifyMessage(await rawSign(rfcKey, header, '{"a":2,"b":1}'), ring.resolveKey, TYP)).payload).to.deep.equal({ a: 2, b: 1 });
    });

    it('passes a failing resolver through unchanged', async () => {
      const down = new Error('database unavailable');
      let caught: unknown;
      try {
        await verifyMessage(jws, async () => {
          throw down;
        }, TYP);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.equal(down);
    });

    it('says nothing private in its errors', async () => {
      const errors = [
        await refusal(verifyMessage(jws, other.resolveKey, TYP)),
        await refusal(verifyMessage(jws, ring.resolveKey, 'other+jws')),
        await refusal(verifyMessage(`${parts(jws)[0]}.${b64('{}')}.${parts(jws)[2]}`, ring.resolveKey, TYP)),
      ];
      for (const error of errors) {
        const text = `${error.message} ${JSON.stringify(error)} ${String(error)} ${error.stack ?? ''}`;
        for (const secret of rfc8037SecretSpellings()) expect(text).to.not.include(secret);
      }
    });
  });
});

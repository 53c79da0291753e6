/**
 * Node identity (PROTOCOL.md): every node signs with one Ed25519 key at a time and keeps
 * the public halves of the keys it rotated away from, so messages signed before a rotation still
 * verify. A key's `kid` is its RFC 7638 JWK thumbprint (SHA-256, base64url), so a kid names exactly
 * one public key and anyone can recompute it.
 *
 * Private key material lives only inside `NodeSigningKey`, as a non-extractable Web Crypto key:
 * nothing in this module can hand the private bytes back, and no JSON, string or inspection of
 * these objects shows them. Storage at rest (key-store.ts) encrypts the seed before it gets here.
 */
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';

/** A node's public signing key as published in its JWKS. */
export interface Ed25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** The 32-byte public key, base64url without padding. */
  readonly x: string;
  /** RFC 7638 thumbprint of `{crv, kty, x}`. */
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/** The document served at `/.well-known/jwks.json`: public keys only. */
export interface Jwks {
  readonly keys: readonly Ed25519PublicJwk[];
}

/** One public key of a node's ring with its life span; `retiredAt` is null for the current key. */
export interface NodePublicKey {
  readonly kid: string;
  readonly jwk: Ed25519PublicJwk;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

/** Length of an Ed25519 private key seed and of a public key, in bytes (RFC 8032). */
export const ED25519_KEY_BYTES = 32;

// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The kid of an Ed25519 public key: the RFC 7638 thumbprint (SHA-256, base64url) of
 * `{"crv":"Ed25519","kty":"OKP","x":x}`.
 */
export async function ed25519Kid(x: string): Promise<string> {
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
}

/**
 * Reads `value` as an Ed25519 public JWK and returns it normalised, with `kid` recomputed as the
 * thumbprint (whatever kid the input carried), or null when it is not one: another `kty` or
 * `crv` (RSA, P-256, X25519, Ed448 ...), an `x` that is not 32 bytes of canonical base64url, an
 * `alg` other than EdDSA or a `use` other than sig. Private members (`d`) are ignored, never copied.
 */
export async function asEd25519PublicJwk(value: unknown): Promise<Ed25519PublicJwk | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return null;
  if (typeof jwk.x !== 'string' || !BASE64URL_32_BYTES.test(jwk.x)) return null;
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') return null;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  return publicJwkFor(jwk.x);
}

async function publicJwkFor(x: string): Promise<Ed25519PublicJwk> {
  return { kty: 'OKP', crv: 'Ed25519', x, kid: await ed25519Kid(x), alg: 'EdDSA', use: 'sig' };
}

function validDate(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${name} must be a valid Date`);
  return new Date(value.getTime());
}

/**
 * The node's current signing key: kid, public JWK, creation time, and a private key that can sign
 * but never be exported. JSON, `String()` and `util.inspect` show the kid and public part only.
 */
export class NodeSigningKey {
  readonly kid: string;
  readonly publicJwk: Ed25519PublicJwk;
  readonly createdAt: Date;
  readonly #privateKey: webcrypto.CryptoKey;

  private constructor(publicJwk: Ed25519PublicJwk, createdAt: Date, privateKey: webcrypto.CryptoKey) {
    this.kid = publicJwk.kid;
    this.publicJwk = publicJwk;
    this.createdAt = createdAt;
    this.#privateKey = privateKey;
  }

  /**
   * Builds the key from its 32-byte Ed25519 seed (the JWK `d`, decoded). The caller keeps
   * ownership of `seed` and should wipe it when done.
   */
  static async fromSeed(seed: Uint8Array, createdAt: Date): Promise<NodeSigningKey> {
    if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_BYTES) {
      throw new TypeError(`an Ed25519 seed is ${ED25519_KEY_BYTES} bytes`);
    }
    const at = validDate(createdAt, 'createdAt');
    const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
    try {
      const x = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x;
      if (typeof x !== 'string') throw new TypeError('Ed25519 public key derivation failed');
      // Non-extractable: from here on the private key can sign and nothing else.
      const privateKey = await webcrypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
      return new NodeSigningKey(await publicJwkFor(x), at, privateKey);
    } finally {
      der.fill(0);
    }
  }

  /** A fresh random key whose seed is not kept anywhere: for tests and ephemeral use. */
  static async generate(createdAt: Date): Promise<NodeSigningKey> {
    const seed = randomBytes(ED25519_KEY_BYTES);
    try {
      return await NodeSigningKey.fromSeed(seed, createdAt);
    } finally {
      seed.fill(0);
    }
  }

  /** The private key for `CompactSign.sign()`; non-extractable, usable for 'sign' only. */
  privateKey(): webcrypto.CryptoKey {
    return this.#privateKey;
  }

  /** This key as a ring entry, with `retiredAt` as given. */
  publicKey(retiredAt: Date | null = null): NodePublicKey {
    return { kid: this.kid, jwk: this.publicJwk, createdAt: this.createdAt, retiredAt };
  }

  toJSON(): { kid: string; publicJwk: Ed25519PublicJwk; createdAt: string } {
    return { kid: this.kid, publicJwk: this.publicJwk, createdAt: this.createdAt.toISOString() };
  }

  toString(): string {
    return `NodeSigningKey(${this.kid})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * The keys of one node: the current signing key and the public keys it rotated away from, each
 * marked with `retiredAt`. Immutable: `rotatedTo` answers a new ring.
 */
export class NodeKeyRing {
  /** The key new messages are signed with. */
  readonly current: NodeSigningKey;
  readonly #keys: readonly NodePublicKey[];
  readonly #byKid: ReadonlyMap<string, NodePublicKey>;

  /**
   * @param current the signing key.
   * @param retired earlier keys; each must have `retiredAt` set and a kid distinct from the others.
   */
  constructor(current: NodeSigningKey, retired: readonly NodePublicKey[] = []) {
    this.current = current;
    const older = [...retired].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.kid.localeCompare(b.kid));
    const keys = [current.publicKey(null), ...older];
    const byKid = new Map<string, NodePublicKey>();
    for (const key of keys) {
      if (byKid.has(key.kid)) throw new TypeError(`key ${key.kid} appears twice in the ring`);
      if (key !== keys[0] && key.retiredAt === null) throw new TypeError(`key ${key.kid} is not current but has no retiredAt`);
      if (key.jwk.kid !== key.kid) throw new TypeError(`key ${key.kid} carries a JWK with kid ${key.jwk.kid}`);
      byKid.set(key.kid, key);
    }
    this.#keys = keys;
    this.#byKid = byKid;
  }

  /** Kid of the current signing key. */
  get currentKid(): string {
    return this.current.kid;
  }

  /** All keys, current first, then retired ones newest first. */
  keys(): readonly NodePublicKey[] {
    return this.#keys;
  }

  /** The public JWK named `kid`, current or retired, or null. */
  publicKey(kid: string): Ed25519PublicJwk | null {
    return this.#byKid.get(kid)?.jwk ?? null;
  }

  /** `publicKey` as a key resolver for `verifyMessage` (bound, so it can be passed around). */
  readonly resolveKey = async (kid: string): Promise<Ed25519PublicJwk | null> => this.publicKey(kid);

  /** The JWKS document: current and retired public keys, never a private part. */
  publicJwks(): Jwks {
    // Fresh objects, so a caller that mutates its answer cannot change the ring.
    return { keys: this.#keys.map((key) => ({ ...key.jwk })) };
  }

  /** A ring whose current key is `next`, the present current key retired at `now`. */
  rotatedTo(next: NodeSigningKey, now: Date): NodeKeyRing {
    const at = validDate(now, 'now');
    return new NodeKeyRing(next, [this.current.publicKey(at), ...this.#keys.slice(1)]);
  }

  toJSON(): { currentKid: string; keys: { kid: string; createdAt: string; retiredAt: string | null }[] } {
    return {
      currentKid: this.currentKid,
      keys: this.#keys.map((key) => ({ kid: key.kid, createdAt: key.createdAt.toISOString(), retiredAt: key.retiredAt?.toISOString() ?? null })),
    };
  }

  toString(): string {
    return `NodeKeyRing(current ${this.currentKid}, ${this.#keys.length - 1} retired)`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

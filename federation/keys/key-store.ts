/**
 * The node's keys at rest, in the `node_keys` table (key-schema.sql.ts), reached through a
 * `SqlRunner` the node adapts from its own database layer.
 *
 * A private key is stored as its 32-byte Ed25519 seed sealed with AES-256-GCM under a 32-byte
 * key-encryption key (KEK) that never touches the database:
 *
 *   private_key_enc = 0x01 (format) || iv (12 bytes) || tag (16 bytes) || ciphertext (32 bytes)
 *
 * with the additional authenticated data `sv-node-key:v1:<kid>`, so a sealed seed only opens under
 * its own row. A wrong KEK fails the tag check and surfaces as `KeyStoreError('WRONG_KEK')`, never
 * as a different key. Every write is one statement, so no transaction is needed and a pooled
 * runner works; the one-current-key index turns races between processes into clean outcomes.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { ED25519_KEY_BYTES, NodeKeyRing, NodeSigningKey, asEd25519PublicJwk, type NodePublicKey } from './node-keys.ts';
import type { SqlRunner } from '../sql-runner.ts';

/** Why the key store refused. */
export type KeyStoreErrorCode =
  /** The KEK is not 32 bytes. */
  | 'INVALID_KEK'
  /** The secret to derive a KEK from is too short to be a secret. */
  | 'WEAK_SECRET'
  /** The stored private key does not open under this KEK (wrong NODE_KEY_SECRET, or a damaged row). */
  | 'WRONG_KEK'
  /** A row is inconsistent: bad public JWK, kid not its thumbprint, unreadable sealed key, seed not matching. */
  | 'CORRUPT_KEY'
  /** Another process rotated the key at the same moment; reload and decide again. */
  | 'ROTATION_CONFLICT';

/** A refusal of the key store. Messages name kids and causes, never key material or secrets. */
export class KeyStoreError extends Error {
  override name = 'KeyStoreError';
  readonly code: KeyStoreErrorCode;
  /** The key concerned, when there is one. */
  readonly kid: string | undefined;

  constructor(code: KeyStoreErrorCode, message: string, kid?: string) {
    super(message);
    this.code = code;
    this.kid = kid;
  }
}

/** Length of the key-encryption key, in bytes (AES-256). */
export const KEK_BYTES = 32;
/** Shortest secret `deriveKeyEncryptionKey` accepts, in bytes. */
export const MIN_SECRET_BYTES = 16;

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_BYTES = 1 + IV_BYTES + TAG_BYTES + ED25519_KEY_BYTES;
// A fixed, public salt: the KEK must be derivable from the secret alone, before the database is
// read. scrypt's cost, not the salt, is what slows guessing a weak secret.
const KEK_SALT = 'sv-node-key-encryption-key/v1';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * Derives the 32-byte KEK from the node's key secret (`NODE_KEY_SECRET`, or the secret file the
 * node falls back to) with scrypt (N = 2^15, r = 8, p = 1, a fixed salt). Takes about 100 ms.
 *
 * @throws KeyStoreError 'WEAK_SECRET' when the secret is shorter than 16 bytes.
 */
export async function deriveKeyEncryptionKey(secret: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new KeyStoreError('WEAK_SECRET', `the node key secret must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      scrypt(bytes, KEK_SALT, KEK_BYTES, SCRYPT, (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))));
    });
  } finally {
    bytes.fill(0);
  }
}

function checkKek(kek: Uint8Array): void {
  if (!(kek instanceof Uint8Array) || kek.length !== KEK_BYTES) {
    throw new KeyStoreError('INVALID_KEK', `the key-encryption key must be ${KEK_BYTES} bytes`);
  }
}

function aad(kid: string): Buffer {
  return Buffer.from(`sv-node-key:v1:${kid}`, 'utf8');
}

function seal(kek: Uint8Array, kid: string, seed: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(aad(kid));
  const body = Buffer.concat([cipher.update(seed), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
}

function open(kek: Uint8Array, kid: string, sealed: Buffer): Buffer {
  if (sealed.length !== SEALED_BYTES || sealed[0] !== FORMAT_V1) {
    throw new KeyStoreError('CORRUPT_KEY', `node key ${kid}: the sealed private key has an unknown format`, kid);
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv).setAAD(aad(kid)).setAuthTag(tag);
  const seed = decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES));
  try {
    decipher.final();
  } catch {
    // The cause is deliberately dropped: it carries nothing useful and this message must stay clean.
    seed.fill(0);
    throw new KeyStoreError(
      'WRONG_KEK',
      `node key ${kid} cannot be decrypted: the key secret (NODE_KEY_SECRET) is not the one it was stored with, or the row is damaged`,
      kid,
    );
  }
  return seed;
}

interface NodeKeyRow {
  kid: string;
  public_jwk: unknown;
  private_key_enc: unknown;
  created_at: unknown;
  retired_at: unknown;
}

// Adapters differ in how they hand back bytea, jsonb and timestamptz; accept the usual shapes.
function bytesOf(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string' && value.startsWith('\\x')) return Buffer.from(value.slice(2), 'hex');
  return null;
}

function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function dateOf(value: unknown, kid: string, column: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) throw new KeyStoreError('CORRUPT_KEY', `node key ${kid}: ${column} is not a timestamp`, kid);
  return date;
}

async function publicKeyOf(row: NodeKeyRow): Promise<NodePublicKey> {
  const jwk = await asEd25519PublicJwk(jsonOf(row.public_jwk));
  if (jwk === null) throw new KeyStoreError('CORRUPT_KEY', `node key ${row.kid}: public_jwk is not an Ed25519 public key`, row.kid);
  if (jwk.kid !== row.kid) throw new KeyStoreError('CORRUPT_KEY', `node key ${row.kid}: kid is not the thumbprint of public_jwk`, row.kid);
  const retiredAt = row.retired_at === null || row.retired_at === undefined ? null : dateOf(row.retired_at, row.kid, 'retired_at');
  return { kid: row.kid, jwk, createdAt: dateOf(row.created_at, row.kid, 'created_at'), retiredAt };
}

async function signingKeyOf(row: NodeKeyRow, publicKey: NodePublicKey, kek: Uint8Array): Promise<NodeSigningKey> {
  const sealed = bytesOf(row.private_key_enc);
  if (sealed === null) throw new KeyStoreError('CORRUPT_KEY', `node key ${row.kid} is current but has no private key`, row.kid);
  const seed = open(kek, row.kid, sealed);
  try {
    const key = await NodeSigningKey.fromSeed(seed, publicKey.createdAt);
    // Only possible if someone sealed another seed under the right KEK and kid; still refuse it.
    if (key.kid !== row.kid) throw new KeyStoreError('CORRUPT_KEY', `node key ${row.kid}: the private key does not match the public key`, row.kid);
    return key;
  } finally {
    seed.fill(0);
  }
}

const SELECT_KEYS = 'SELECT kid, public_jwk, private_key_enc, created_at, retired_at FROM node_keys';

/**
 * Loads the ring: the current key (decrypted with `kek`) and every retired public key. Answers
 * null when there is no current key yet.
 *
 * @throws KeyStoreError 'INVALID_KEK', 'WRONG_KEK' or 'CORRUPT_KEY'.
 */
export async function loadKeyRing(sql: SqlRunner, kek: Uint8Array): Promise<NodeKeyRing | null> {
  checkKek(kek);
  const rows = await sql.query<NodeKeyRow>(SELECT_KEYS);
  let current: NodeSigningKey | null = null;
  const retired: NodePublicKey[] = [];
  for (const row of rows) {
    const publicKey = await publicKeyOf(row);
    if (publicKey.retiredAt !== null) retired.push(publicKey);
    else current = await signingKeyOf(row, publicKey, kek);
  }
  return current === null ? null : new NodeKeyRing(current, retired);
}

/** A new random key, sealed for its row. */
async function newKey(kek: Uint8Array, now: Date): Promise<{ key: NodeSigningKey; sealed: Buffer }> {
  const seed = randomBytes(ED25519_KEY_BYTES);
  try {
    const key = await NodeSigningKey.fromSeed(seed, now);
    return { key, sealed: seal(kek, key.kid, seed) };
  } finally {
    seed.fill(0);
  }
}

async function mustLoad(sql: SqlRunner, kek: Uint8Array): Promise<NodeKeyRing> {
  const ring = await loadKeyRing(sql, kek);
  // Unreachable unless something deleted the key between our write and this read.
  if (ring === null) throw new Error('node_keys has no current key right after writing one');
  return ring;
}

async function createFirst(sql: SqlRunner, kek: Uint8Array, now: Date): Promise<NodeKeyRing> {
  const { key, sealed } = await newKey(kek, now);
  // If another process created a current key meanwhile, the unique index makes this a no-op and
  // the reload below answers that key instead: both processes end up with the same identity.
  await sql.query(
    'INSERT INTO node_keys (kid, public_jwk, private_key_enc, created_at) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT DO NOTHING',
    [key.kid, JSON.stringify(key.publicJwk), sealed, now],
  );
  return mustLoad(sql, kek);
}

/**
 * Answers the node's key ring, creating the first key (created at `now`) on first start. Several
 * processes starting together on one database agree on a single key.
 *
 * @throws KeyStoreError 'INVALID_KEK', 'WRONG_KEK' or 'CORRUPT_KEY'.
 */
export async function loadOrCreate(sql: SqlRunner, kek: Uint8Array, now: Date): Promise<NodeKeyRing> {
  return (await loadKeyRing(sql, kek)) ?? createFirst(sql, kek, now);
}

/**
 * Makes a new key current and retires the present one at `now`: it stays in the JWKS for
 * verifying what it signed, and its sealed private key is erased. With no key yet, creates the
 * first. The KEK is checked against the present key before anything is written.
 *
 * @throws KeyStoreError 'INVALID_KEK', 'WRONG_KEK', 'CORRUPT_KEY', or 'ROTATION_CONFLICT' when
 *   another process rotated in between.
 */
export async function rotate(sql: SqlRunner, kek: Uint8Array, now: Date): Promise<NodeKeyRing> {
  const ring = await loadKeyRing(sql, kek);
  if (ring === null) return createFirst(sql, kek, now);
  const { key, sealed } = await newKey(kek, now);
  // One statement: retire exactly the key we loaded, and insert the new one only if that worked.
  const inserted = await sql.query<{ kid: string }>(
    `WITH retired AS (
       UPDATE node_keys SET retired_at = $5, private_key_enc = NULL
        WHERE kid = $6 AND retired_at IS NULL
       RETURNING kid)
     INSERT INTO node_keys (kid, public_jwk, private_key_enc, created_at)
     SELECT $1, $2::jsonb, $3, $4 WHERE EXISTS (SELECT 1 FROM retired)
     RETURNING kid`,
    [key.kid, JSON.stringify(key.publicJwk), sealed, now, now, ring.currentKid],
  );
  if (inserted.length !== 1) {
    throw new KeyStoreError('ROTATION_CONFLICT', `node key ${ring.currentKid} was rotated by another process meanwhile`, ring.currentKid);
  }
  return mustLoad(sql, kek);
}

/**
 * Re-seals every stored private key from `oldKek` to `newKek` (for changing the key secret) and
 * answers how many were re-sealed. Each row is swapped only if it still holds what was read.
 *
 * @throws KeyStoreError 'INVALID_KEK', 'WRONG_KEK' (under `oldKek`) or 'CORRUPT_KEY'; rows are
 *   all opened before any is written.
 */
export async function rewrapKeys(sql: SqlRunner, oldKek: Uint8Array, newKek: Uint8Array): Promise<number> {
  checkKek(oldKek);
  checkKek(newKek);
  const rows = await sql.query<NodeKeyRow>(`${SELECT_KEYS} WHERE private_key_enc IS NOT NULL`);
  const updates: { kid: string; before: Buffer; after: Buffer }[] = [];
  for (const row of rows) {
    const before = bytesOf(row.private_key_enc);
    if (before === null) throw new KeyStoreError('CORRUPT_KEY', `node key ${row.kid}: private_key_enc is not bytes`, row.kid);
    const seed = open(oldKek, row.kid, before);
    try {
      updates.push({ kid: row.kid, before, after: seal(newKek, row.kid, seed) });
    } finally {
      seed.fill(0);
    }
  }
  let count = 0;
  for (const { kid, before, after } of updates) {
    const done = await sql.query<{ kid: string }>(
      'UPDATE node_keys SET private_key_enc = $1 WHERE kid = $2 AND private_key_enc = $3 RETURNING kid',
      [after, kid, before],
    );
    count += done.length;
  }
  return count;
}

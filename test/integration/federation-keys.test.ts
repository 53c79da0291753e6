/**
 * Node keys at rest in PostgreSQL: first start, restart, wrong secret, rotation, races between
 * processes, and what the stored rows and the JWKS hold.
 */
import { expect } from 'chai';
import pg from 'pg';
import { inspect } from 'node:util';
import { NODE_KEYS_DDL } from '../../federation/keys/key-schema.sql.ts';
import {
  KeyStoreError,
  deriveKeyEncryptionKey,
  loadKeyRing,
  loadOrCreate,
  rewrapKeys,
  rotate,
} from '../../federation/keys/key-store.ts';
import { signMessage, verifyMessage } from '../../federation/keys/signed-message.ts';
import type { NodeKeyRing } from '../../federation/keys/node-keys.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rejectionOf } from '../support/rejection.ts';
import type { SqlRunner } from '../../federation/sql-runner.ts';

const T0 = new Date('2026-01-05T01:00:00Z');
const T1 = new Date('2026-03-02T01:00:00Z');
const T2 = new Date('2026-06-01T01:00:00Z');
const TYP = 'sv-batch+jws';

/** A SqlRunner over one pg client, as the node adapts its own connection. */
function runnerOver(client: pg.Client): SqlRunner {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await client.query(text, [...params])).rows as Row[];
    },
  };
}

const storeError = (promise: Promise<unknown>): Promise<KeyStoreError> => rejectionOf(promise, KeyStoreError);

interface StoredRow {
  kid: string;
  public_jwk: Record<string, unknown>;
  private_key_enc: Buffer | null;
  created_at: Date;
  retired_at: Date | null;
}

describe('integration: federation keys in PostgreSQL', function () {
  this.timeout(30000);
  const SECRET = 'integration-test-node-key-secret';
  let database: TestDatabase;
  const clients: pg.Client[] = [];
  let sql: SqlRunner;
  let kek: Uint8Array;
  let wrongKek: Uint8Array;

  /** A fresh connection: what another process, or the same node after a restart, would have. */
  async function connect(): Promise<SqlRunner> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    clients.push(client);
    return runnerOver(client);
  }

  async function rows(): Promise<StoredRow[]> {
    return sql.query<StoredRow>('SELECT * FROM node_keys ORDER BY created_at');
  }

  async function reset(): Promise<void> {
    await sql.query('DELETE FROM node_keys');
  }

  before(async () => {
    database = await createTestDatabase('sv_keys');
    sql = await connect();
    await sql.query(NODE_KEYS_DDL);
    await sql.query(NODE_KEYS_DDL); // idempotent
    kek = await deriveKeyEncryptionKey(SECRET);
    wrongKek = await deriveKeyEncryptionKey(`${SECRET}-but-another`);
  });

  after(async () => {
    for (const client of clients) await client.end();
    await database.drop();
  });

  describe('first start and restart', () => {
    let first: NodeKeyRing;

    before(async () => {
      await reset();
      expect(await loadKeyRing(sql, kek)).to.equal(null);
      first = await loadOrCreate(sql, kek, T0);
    });

    it('creates one current key, sealed, with the public JWK beside it', async () => {
      const [row, ...more] = await rows();
      expect(more).to.have.length(0);
      expect(row?.kid).to.equal(first.currentKid);
      expect(row?.public_jwk).to.deep.equal(first.current.publicJwk);
      expect(row?.created_at.toISOString()).to.equal(T0.toISOString());
      expect(row?.retired_at).to.equal(null);
      // format byte, 12-byte IV, 16-byte tag, 32-byte sealed seed
      expect(row?.private_key_enc).to.have.length(61);
      expect(row?.private_key_enc?.[0]).to.equal(1);
    });

    it('gives the same key on a second call and after a restart with the same KEK', async () => {
      expect((await loadOrCreate(sql, kek, T1)).currentKid).to.equal(first.currentKid);
      const restarted = await loadOrCreate(await connect(), await deriveKeyEncryptionKey(SECRET), T1);
      expect(restarted.currentKid).to.equal(first.currentKid);
      expect(restarted.current.createdAt.toISOString()).to.equal(T0.toISOString());
      expect(await rows()).to.have.length(1);
      // Same private key: what the restarted node signs, the first one's JWKS verifies.
      const jws = await signMessage(restarted, TYP, { hello: '监察' });
      expect((await verifyMessage(jws, first.resolveKey, TYP)).payload).to.deep.equal({ hello: '监察' });
    });

    it('refuses a wrong KEK with WRONG_KEK, and creates nothing', async () => {
      const error = await storeError(loadOrCreate(sql, wrongKek, T1));
      expect(error.code).to.equal('WRONG_KEK');
      expect(error.kid).to.equal(first.currentKid);
      expect(error.message).to.match(/NODE_KEY_SECRET/);
      const text = `${error.message} ${JSON.stringify(error)} ${inspect(error)}`;
      for (const secret of [Buffer.from(kek).toString('hex'), Buffer.from(kek).toString('base64url'), SECRET]) expect(text).to.not.include(secret);
      expect((await storeError(loadKeyRing(sql, wrongKek))).code).to.equal('WRONG_KEK');
      expect((await storeError(rotate(sql, wrongKek, T1))).code).to.equal('WRONG_KEK');
      expect((await rows()).map((row) => row.kid)).to.deep.equal([first.currentKid]);
    });

    it('refuses a damaged sealed key', async () => {
      const [row] = await rows();
      const sealed = Buffer.from(row?.private_key_enc ?? []);
      try {
        const flipped = Buffer.from(sealed);
        flipped[40] = (flipped[40] ?? 0) ^ 0x01;
        await sql.query('UPDATE node_keys SET private_key_enc = $1', [flipped]);
        expect((await storeError(loadOrCreate(sql, kek, T1))).code).to.equal('WRONG_KEK');
        await sql.query('UPDATE node_keys SET private_key_enc = $1', [sealed.subarray(0, 60)]);
        expect((await storeError(loadOrCreate(sql, kek, T1))).code).to.equal('CORRUPT_KEY');
      } finally {
        await sql.query('UPDATE node_keys SET private_key_enc = $1', [sealed]);
      }
      expect((await loadOrCreate(sql, kek, T1)).currentKid).to.equal(first.currentKid);
    });

    it('binds a sealed key to its own row: copied under another kid it does not open', async () => {
      const [row] = await rows();
      const stranger = await freshStore();
      await loadOrCreate(stranger, kek, T0);
      await stranger.query('UPDATE node_keys SET private_key_enc = $1', [row?.private_key_enc]);
      expect((await storeError(loadOrCreate(stranger, kek, T1))).code).to.equal('WRONG_KEK');
    });

    it('refuses a row whose kid is not the thumbprint of its public key', async () => {
      const [row] = await rows();
      const stranger = await loadOrCreate(await freshStore(), kek, T0);
      try {
        await sql.query('UPDATE node_keys SET public_jwk = $1::jsonb', [JSON.stringify({ ...stranger.current.publicJwk, kid: row?.kid })]);
        expect((await storeError(loadOrCreate(sql, kek, T1))).code).to.equal('CORRUPT_KEY');
        await sql.query('UPDATE node_keys SET public_jwk = $1::jsonb', [JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })]);
        expect((await storeError(loadOrCreate(sql, kek, T1))).code).to.equal('CORRUPT_KEY');
      } finally {
        await sql.query('UPDATE node_keys SET public_jwk = $1::jsonb', [JSON.stringify(row?.public_jwk)]);
      }
      expect((await loadOrCreate(sql, kek, T1)).currentKid).to.equal(first.currentKid);
    });
  });

  /** A second, empty node_keys table in its own schema, on its own connection. */
  async function freshStore(): Promise<SqlRunner> {
    const runner = await connect();
    const schema = `keys_${Math.random().toString(36).slice(2, 10)}`;
    await runner.query(`CREATE SCHEMA ${schema}`);
    await runner.query(`SET search_path TO ${schema}`);
    await runner.query(NODE_KEYS_DDL);
    return runner;
  }

  describe('rotation', () => {
    let first: NodeKeyRing;
    let second: NodeKeyRing;
    let third: NodeKeyRing;
    let signedBefore: string;

    before(async () => {
      await reset();
      first = await loadOrCreate(sql, kek, T0);
      signedBefore = await signMessage(first, TYP, { sequence: 1 });
      second = await rotate(sql, kek, T1);
      third = await rotate(sql, kek, T2);
    });

    it('makes a new key current and retires the old one at the given time', () => {
      expect(new Set([first.currentKid, second.currentKid, third.currentKid]).size).to.equal(3);
      expect(third.keys().map((key) => [key.kid, key.retiredAt?.toISOString() ?? null])).to.deep.equal([
        [third.currentKid, null],
        [second.currentKid, T2.toISOString()],
        [first.currentKid, T1.toISOString()],
      ]);
    });

    it('keeps the old public keys and erases their private keys', async () => {
      const stored = await rows();
      expect(stored.map((row) => [row.kid, row.private_key_enc === null])).to.deep.equal([
        [first.currentKid, true],
        [second.currentKid, true],
        [third.currentKid, false],
      ]);
      expect(stored.map((row) => row.public_jwk)).to.deep.equal([first.current.publicJwk, second.current.publicJwk, third.current.publicJwk]);
    });

    it('still verifies what the retired key signed, after a restart', async () => {
      const reloaded = await loadOrCreate(await connect(), kek, T2);
      expect(reloaded.currentKid).to.equal(third.currentKid);
      const verified = await verifyMessage(signedBefore, reloaded.resolveKey, TYP);
      expect(verified).to.deep.equal({ payload: { sequence: 1 }, kid: first.currentKid, typ: TYP });
      const signedAfter = await signMessage(reloaded, TYP, { sequence: 2 });
      expect((await verifyMessage(signedAfter, reloaded.resolveKey, TYP)).kid).to.equal(third.currentKid);
    });

    it('publishes every public key and nothing private in the JWKS', async () => {
      const reloaded = await loadOrCreate(sql, kek, T2);
      const jwks = reloaded.publicJwks();
      expect(jwks.keys.map((key) => key.kid)).to.deep.equal([third.currentKid, second.currentKid, first.currentKid]);
      for (const key of jwks.keys) {
        expect(Object.keys(key).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
        expect(key).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      }
      const text = `${JSON.stringify(jwks)} ${JSON.stringify(reloaded)} ${String(reloaded)} ${inspect(reloaded, { depth: Infinity, showHidden: true })}`;
      expect(text).to.not.match(/"d"\s*:/);
      const [current] = await rows().then((all) => all.filter((row) => row.retired_at === null));
      expect(text).to.not.include(Buffer.from(current?.private_key_enc ?? []).toString('base64url'));
    });

    it('refuses a second current key at the database level', async () => {
      let code: unknown;
      try {
        await sql.query("INSERT INTO node_keys VALUES ('x', '{}'::jsonb, '\\x00', now(), NULL)");
      } catch (error) {
        code = (error as { code?: unknown }).code;
      }
      expect(code).to.equal('23505'); // unique_violation on node_keys_one_current
    });
  });

  describe('several processes at once', () => {
    beforeEach(reset);

    it('agree on a single first key when starting together', async () => {
      const runners = await Promise.all([connect(), connect(), connect(), connect()]);
      const rings = await Promise.all(runners.map((runner) => loadOrCreate(runner, kek, T0)));
      expect(new Set(rings.map((ring) => ring.currentKid)).size).to.equal(1);
      expect(await rows()).to.have.length(1);
    });

    it('never leave two current keys when rotating together', async () => {
      await loadOrCreate(sql, kek, T0);
      const runners = await Promise.all([connect(), connect(), connect()]);
      const outcomes = await Promise.allSettled(runners.map((runner) => rotate(runner, kek, T1)));
      expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).to.equal(true);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).to.be.instanceOf(KeyStoreError);
          expect((outcome.reason as KeyStoreError).code).to.equal('ROTATION_CONFLICT');
        }
      }
      const stored = await rows();
      expect(stored.filter((row) => row.retired_at === null)).to.have.length(1);
      expect(stored.filter((row) => row.private_key_enc !== null)).to.have.length(1);
    });
  });

  describe('changing the key secret', () => {
    it('re-seals the current key under the new KEK; the old one no longer opens it', async () => {
      await reset();
      const ring = await loadOrCreate(sql, kek, T0);
      await rotate(sql, kek, T1);
      const newKek = await deriveKeyEncryptionKey('the-next-node-key-secret-2026');
      expect((await storeError(rewrapKeys(sql, wrongKek, newKek))).code).to.equal('WRONG_KEK');
      expect(await rewrapKeys(sql, kek, newKek)).to.equal(1);
      const reloaded = await loadOrCreate(sql, newKek, T2);
      expect(reloaded.keys().map((key) => key.kid)).to.include(ring.currentKid);
      expect(reloaded.keys()).to.have.length(2);
      expect((await storeError(loadKeyRing(sql, kek))).code).to.equal('WRONG_KEK');
    });
  });
});

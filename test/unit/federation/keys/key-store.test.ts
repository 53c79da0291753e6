import { expect } from 'chai';
import { KEK_BYTES, KeyStoreError, deriveKeyEncryptionKey, loadOrCreate, rotate, rewrapKeys } from '../../../../federation/keys/key-store.ts';
import { NODE_KEYS_DDL } from '../../../../federation/keys/key-schema.sql.ts';
import { rejectionOf } from '../../../support/rejection.ts';
import type { SqlRunner } from '../../../../federation/sql-runner.ts';

const NOW = new Date('2026-01-05T00:00:00Z');

/** A runner that must not be reached. */
const unreachable: SqlRunner = {
  async query<Row>(): Promise<Row[]> {
    throw new Error('the database was queried');
  },
};

const storeError = (promise: Promise<unknown>): Promise<KeyStoreError> => rejectionOf(promise, KeyStoreError);

describe('federation/keys/key-store (without a database)', () => {
  describe('deriveKeyEncryptionKey', () => {
    it('derives the same 32-byte key from the same secret, another from another', async () => {
      const a = await deriveKeyEncryptionKey('correct horse battery staple');
      const b = await deriveKeyEncryptionKey(new TextEncoder().encode('correct horse battery staple'));
      const c = await deriveKeyEncryptionKey('correct horse battery stapler');
      expect(a).to.have.length(KEK_BYTES);
      expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
      expect(Buffer.from(a).equals(Buffer.from(c))).to.equal(false);
    });

    it('refuses a secret shorter than 16 bytes without repeating it', async () => {
      const error = await storeError(deriveKeyEncryptionKey('short-secret'));
      expect(error.code).to.equal('WEAK_SECRET');
      expect(`${error.message} ${JSON.stringify(error)} ${error.stack ?? ''}`).to.not.include('short-secret');
    });

    it('does not wipe a secret given as bytes', async () => {
      const secret = new TextEncoder().encode('a secret of the right length');
      await deriveKeyEncryptionKey(secret);
      expect(new TextDecoder().decode(secret)).to.equal('a secret of the right length');
    });
  });

  it('refuses a KEK that is not 32 bytes before touching the database', async () => {
    for (const kek of [new Uint8Array(16), new Uint8Array(33), 'x'.repeat(32) as unknown as Uint8Array]) {
      expect((await storeError(loadOrCreate(unreachable, kek, NOW))).code).to.equal('INVALID_KEK');
      expect((await storeError(rotate(unreachable, kek, NOW))).code).to.equal('INVALID_KEK');
      expect((await storeError(rewrapKeys(unreachable, new Uint8Array(32), kek))).code).to.equal('INVALID_KEK');
    }
  });

  it('exports idempotent DDL for node_keys with one current key at a time', () => {
    expect(NODE_KEYS_DDL).to.match(/CREATE TABLE IF NOT EXISTS node_keys/);
    for (const column of ['kid text PRIMARY KEY', 'public_jwk jsonb NOT NULL', 'private_key_enc bytea', 'created_at timestamptz NOT NULL', 'retired_at timestamptz']) {
      expect(NODE_KEYS_DDL).to.include(column);
    }
    expect(NODE_KEYS_DDL).to.match(/CREATE UNIQUE INDEX IF NOT EXISTS node_keys_one_current ON node_keys \(\(true\)\) WHERE retired_at IS NULL/);
  });
});

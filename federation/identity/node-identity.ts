/**
 * The node's signing identity for federation: its key ring, loaded (or made) at start under the
 * key-encryption secret, rotated on demand. Old public keys stay in the ring so messages signed
 * under them keep verifying.
 */
import { deriveKeyEncryptionKey, loadKeyRing, loadOrCreate, rotate } from '../keys/key-store.ts';
import type { SqlRunner } from '../sql-runner.ts';
import type { Jwks, NodeKeyRing } from '../keys/node-keys.ts';
import { signMessage } from '../keys/signed-message.ts';

export class NodeIdentity {
  readonly #sql: SqlRunner;
  readonly #kek: Uint8Array;
  #ring: NodeKeyRing;

  private constructor(sql: SqlRunner, kek: Uint8Array, ring: NodeKeyRing) {
    this.#sql = sql;
    this.#kek = kek;
    this.#ring = ring;
  }

  /** Loads the keys, making the first one on a new node. A wrong secret throws KeyStoreError WRONG_KEK. */
  static async open(sql: SqlRunner, secret: string, now: Date): Promise<NodeIdentity> {
    const kek = await deriveKeyEncryptionKey(secret);
    return new NodeIdentity(sql, kek, await loadOrCreate(sql, kek, now));
  }

  get ring(): NodeKeyRing {
    return this.#ring;
  }

  jwks(): Jwks {
    return this.#ring.publicJwks();
  }

  /**
   * Makes a new current key; the old one is kept for verifying only. The new JWKS is announced
   * under the old key (whose private half is still in memory here) so that the parent and the
   * children, who pinned the old key, can trust the new one.
   *
   * `within`: the transaction to write in and when it commits; the new ring signs only from then
   * on (until then the old key, still in memory, keeps signing), so a rotation that rolls back
   * leaves the ring as it was.
   */
  async rotate(now: Date, nodeCode: string, within?: { sql: SqlRunner; afterCommit(hook: () => unknown): Promise<void> }): Promise<NodeKeyRing> {
    const sql = within?.sql ?? this.#sql;
    const previous = this.#ring;
    const next = await rotate(sql, this.#kek, now);
    const announcement = await signMessage(previous, 'sv-keys+jws', { node: nodeCode, jwks: next.publicJwks(), time: now.toISOString() });
    await sql.query('INSERT INTO key_announcements (kid, jws, created_at) VALUES ($1, $2, $3)', [next.currentKid, announcement, now]);
    const install = (): void => {
      this.#ring = next;
    };
    if (within) await within.afterCommit(install);
    else install();
    return next;
  }

  /**
   * Reloads the ring when `currentKid` (the current key in the database) is not the one held: another
   * process of this node rotated. Several processes then sign and verify under the same keys.
   */
  async refresh(currentKid: string | null): Promise<void> {
    if (currentKid === null || currentKid === this.#ring.currentKid) return;
    const ring = await loadKeyRing(this.#sql, this.#kek);
    if (ring !== null) this.#ring = ring;
  }

  /** Signs `payload` as a compact JWS of type `typ` under the current key. */
  sign(typ: string, payload: unknown): Promise<string> {
    return signMessage(this.#ring, typ, payload);
  }

  toString(): string {
    return `NodeIdentity(${this.#ring.currentKid})`;
  }
}

/**
 * The hash chain of the audit trail, pure: how an entry's hash is computed and how a run of
 * entries is checked. Each entry's hash is the hex SHA-256 of the RFC 8785 canonical JSON of every
 * stored field, its seq and the previous entry's hash included, so editing, removing, reordering or
 * inserting an entry anywhere but at the end breaks the chain at that entry.
 */
import { hash as oneShotHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The prev_hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry says, before the store numbers and chains it. */
export interface AuditFacts {
  /** When, from the node's clock. */
  at: Date;
  /** `user:<login>`, `client:<id>`, `admin-token`, `node`, or who tried to sign in. */
  actor: string;
  role: string | null;
  /** `METHOD <route pattern>`, e.g. `POST /api/v1/alerts/:id/:action`; the raw path if no route matched. */
  action: string;
  /** The record changed, e.g. `alert:42`, or the route parameters as JSON. */
  record: string | null;
  details: Record<string, unknown>;
  /** The caller's IP address. */
  address: string | null;
  requestId: string;
  /** The HTTP status answered. */
  status: number;
}

/** An entry as stored: numbered 1, 2, 3 ... and chained. `at` is an instant to the microsecond, e.g. `2026-03-02T02:00:00.000000Z`. */
export interface AuditEntry extends Omit<AuditFacts, 'at'> {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

/** The answer of a chain check: entries read, and the first one that does not belong (null: none). */
export interface ChainVerdict {
  ok: boolean;
  checked: number;
  brokenAt: number | null;
}

/** An instant in the stored form: UTC, six fraction digits (the precision of timestamptz), so every edit of `at` shows. */
export function storedInstant(at: Date): string {
  return at.toISOString().replace(/Z$/, '000Z');
}

/**
 * How the API shows a stored `at`: the same instant in China Standard Time, every fraction digit
 * kept (`2026-03-02T02:15:30.250000Z` is shown `2026-03-02T10:15:30.250000+08:00`). The hash is over
 * the stored form, unchanged, so every existing chain still verifies: to recompute an entry's hash
 * from an answer, turn `at` back with `storedInstantOf`.
 */
export function presentedInstant(stored: string): string {
  const local = new Date(Date.parse(`${stored.slice(0, 23)}Z`) + 8 * 3600 * 1000).toISOString();
  return `${local.slice(0, 23)}${stored.slice(23, 26)}+08:00`;
}

/** The stored (hashed) form of an `at` the API showed: UTC, six fraction digits, `Z`. */
export function storedInstantOf(presented: string): string {
  const utc = new Date(Date.parse(`${presented.slice(0, 23)}+08:00`)).toISOString();
  return `${utc.slice(0, 23)}${presented.slice(23, 26)}Z`;
}

/** The hex SHA-256 of the canonical JSON of every field of `entry` but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, role, action, record, details, address, requestId, status, prevHash } = entry;
  const canonical = canonicalize({ seq, at, actor, role, action, record, details, address, requestId, status, prevHash });
  if (canonical === undefined) throw new TypeError('an audit entry must be JSON');
  return oneShotHash('sha256', canonical, 'hex');
}

/** Numbers and chains `facts` after the entry `last` (null: the first entry). */
export function chainEntry(last: { seq: number; hash: string } | null, facts: AuditFacts): AuditEntry {
  const unhashed = { ...facts, at: storedInstant(facts.at), seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? GENESIS_HASH };
  return { ...unhashed, hash: entryHash(unhashed) };
}

/**
 * Checks entries fed in seq order, a chunk at a time, so a long trail is walked in constant
 * memory. It stops at the first entry whose seq is not the previous one's plus 1 (a row removed or
 * renumbered), whose prev_hash is not the previous hash, or whose hash does not match its content.
 */
export class ChainVerifier {
  #last: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  #checked = 0;
  #brokenAt: number | null = null;

  /** Checks the next entries; answers false once the chain is broken (later entries are ignored). */
  push(entries: Iterable<AuditEntry>): boolean {
    for (const entry of entries) {
      if (this.#brokenAt !== null) return false;
      this.#checked += 1;
      if (entry.seq !== this.#last.seq + 1 || entry.prevHash !== this.#last.hash || entry.hash !== entryHash(entry)) {
        this.#brokenAt = entry.seq;
        return false;
      }
      this.#last = { seq: entry.seq, hash: entry.hash };
    }
    return this.#brokenAt === null;
  }

  /** The last entry that checked out (seq 0 and the genesis hash when none did). */
  get head(): { seq: number; hash: string } {
    return { ...this.#last };
  }

  verdict(): ChainVerdict {
    return { ok: this.#brokenAt === null, checked: this.#checked, brokenAt: this.#brokenAt };
  }
}

/** Checks a whole chain held in memory (tests, small trails); the store streams through {@link ChainVerifier}. */
export function verifyChain(entries: Iterable<AuditEntry>): ChainVerdict {
  const verifier = new ChainVerifier();
  verifier.push(entries);
  return verifier.verdict();
}

/**
 * What is stored of an event and how two sends of one eventId are compared. The content hash is
 * SHA-256 over the RFC 8785 canonical JSON, so key order and number spelling never make a resend
 * look different. A query password (查询密码) is never stored: it is replaced by a scrypt hash
 * salted with the eventId, deterministic so a resend still hashes the same.
 */
import { createHash, hash as oneShotHash, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson } from '../core/canonical-json.ts';
import type { CaseEvent } from './case-event.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;
// A query password is a short PIN; the cost keeps a stolen table expensive to search while a
// batch of a thousand new cases still hashes in well under a second on two cores.
const SCRYPT = { N: 1 << 12, r: 8, p: 1 };

/** The stored form of an event: as sent, but with `queryPassword` replaced by `queryPasswordHash`. */
export type StoredEvent = CaseEvent & { queryPasswordHash?: string };

export async function toStoredEvent(event: CaseEvent): Promise<StoredEvent> {
  if (!('queryPassword' in event) || event.queryPassword === undefined) return event;
  const { queryPassword, ...rest } = event;
  const salt = createHash('sha256').update(`query-password:${event.eventId}`).digest().subarray(0, 16);
  const hash = await scryptAsync(queryPassword, salt, 32, SCRYPT);
  return { ...(rest as CaseEvent), queryPasswordHash: `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}` };
}

/** A stored event's canonical JSON (RFC 8785) and its content hash, the hex SHA-256 of that JSON. */
export interface EventContent {
  canonical: string;
  hash: string;
}

/** Canonical JSON and content hash of a stored event; the JSON also serves as its stored payload text. */
export function eventContent(stored: StoredEvent): EventContent {
  const canonical = canonicalJson(stored);
  return { canonical, hash: oneShotHash('sha256', canonical, 'hex') };
}

/** Hex SHA-256 of the canonical JSON of a stored event. */
export function contentHash(stored: StoredEvent): string {
  return eventContent(stored).hash;
}

/**
 * What an accepted event contributes to the log: its RFC 8785 (JCS) canonical JSON in UTF-8, so
 * that every node, and a parent re-supervising a child, derives the same leaf from the same event
 * whatever key order or number spelling it arrived with.
 */
import canonicalize from 'canonicalize';
import { leafHash } from './merkle.ts';

/**
 * The leaf data of an event: UTF-8 of its RFC 8785 canonical JSON. The event must be JSON data
 * (as parsed from JSON, or with `toJSON` such as a Date's): the serializer rejects NaN, Infinity,
 * circular references and lone surrogates (RFC 8785 3.2.2.2), which UTF-8 could not carry faithfully.
 * @throws TypeError when the value has no JSON form; Error from the serializer for the cases above.
 */
export function eventLeafData(event: object): Buffer {
  const json = canonicalize(event);
  if (json === undefined) throw new TypeError('the event has no JSON form');
  return Buffer.from(json, 'utf8');
}

/** The leaf hash of an event: SHA-256(0x00 || eventLeafData(event)). */
export function eventLeafHash(event: object): Buffer {
  return leafHash(eventLeafData(event));
}

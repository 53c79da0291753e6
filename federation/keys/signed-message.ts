/**
 * Signed messages between nodes: a JSON payload in its RFC 8785 canonical form, signed as a
 * compact JWS with EdDSA (Ed25519). The protected header is exactly `{alg: 'EdDSA', kid, typ}`;
 * `typ` says what the message is ('sv-batch+jws', 'sv-receipt+jws' ...), so a signature made for
 * one kind of message cannot be replayed as another.
 *
 * Verification is deliberately narrow: only EdDSA (never 'none', HS* or any alg the key could be
 * misused for), only Ed25519 keys whose thumbprint is the kid, no other header members, and a
 * payload that is exactly canonical JSON, so the same content always has the same signed bytes.
 */
import canonicalize from 'canonicalize';
import { CompactSign, compactVerify, errors, importJWK, type JWK } from 'jose';
import { asEd25519PublicJwk, type NodeKeyRing } from './node-keys.ts';

/** Why a message was refused. */
export type SignatureErrorCode =
  /** No usable key under the header's kid: unknown, not Ed25519, or not matching the kid. */
  | 'UNKNOWN_KEY'
  /** The signature does not verify, or the message is not signed with EdDSA. */
  | 'BAD_SIGNATURE'
  /** Validly signed, but a different kind of message than the one expected. */
  | 'WRONG_TYPE'
  /** Not a compact JWS of this protocol, or a payload that is not canonical JSON. */
  | 'MALFORMED';

/** A refused message. `kid` is the header's kid when the header could be read. */
export class SignatureError extends Error {
  override name = 'SignatureError';
  readonly code: SignatureErrorCode;
  readonly kid: string | undefined;

  constructor(code: SignatureErrorCode, message: string, kid?: string) {
    super(message);
    this.code = code;
    this.kid = kid;
  }
}

/**
 * Finds the public JWK for a kid: a node's own ring, a pinned parent or child, a forwarded
 * county's key. Answers null when the kid is unknown; its own failures (a database down) pass
 * through `verifyMessage` unchanged, since they say nothing about the message.
 */
export type KeyResolver = (kid: string) => Promise<JWK | null>;

/** A verified message. */
export interface VerifiedMessage {
  /** The payload, parsed; still to be validated against its schema by the caller. */
  readonly payload: unknown;
  /** Kid of the key that signed it. */
  readonly kid: string;
  /** Its `typ`, equal to the one expected. */
  readonly typ: string;
}

/** The only signature algorithm accepted. */
export const MESSAGE_ALG = 'EdDSA';

const HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KID = /^[A-Za-z0-9_-]{43}$/;
// A media-type-like token: 'sv-batch+jws', 'application/sv-policy+jws'.
const TYP = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The RFC 8785 (JCS) canonical JSON text of `value`: keys sorted by UTF-16 code units, numbers in
 * ECMAScript form, no whitespace. `toJSON` is honoured (a Date becomes its ISO string) and
 * undefined members are dropped, as in JSON.stringify.
 *
 * @throws TypeError when `value` is not JSON data (undefined, a function, a bigint, NaN,
 *   Infinity, a lone surrogate, a cycle).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new TypeError(`payload is not JSON data: ${(error as Error).message}`);
  }
  // canonicalize writes `undefined` for a function-valued member instead of failing; parsing
  // the answer back catches that and anything else that is not JSON.
  if (text === undefined) throw new TypeError('payload is not JSON data');
  try {
    JSON.parse(text);
  } catch {
    throw new TypeError('payload is not JSON data');
  }
  return text;
}

function checkTyp(typ: string): void {
  if (typeof typ !== 'string' || typ.length > 100 || !TYP.test(typ)) {
    throw new TypeError(`typ must be a media-type token such as 'sv-batch+jws', got ${JSON.stringify(typ)}`);
  }
}

/**
 * Signs `payload` with the ring's current key: a compact JWS whose protected header is
 * `{alg: 'EdDSA', kid, typ}` and whose payload is the canonical JSON of `payload`.
 *
 * @throws TypeError when `typ` is not a media-type token or `payload` is not JSON data.
 */
export async function signMessage(ring: NodeKeyRing, typ: string, payload: unknown): Promise<string> {
  checkTyp(typ);
  const bytes = new TextEncoder().encode(canonicalJson(payload));
  const key = ring.current;
  return new CompactSign(bytes).setProtectedHeader({ alg: MESSAGE_ALG, kid: key.kid, typ }).sign(key.privateKey());
}

function malformed(message: string, kid?: string): SignatureError {
  return new SignatureError('MALFORMED', message, kid);
}

/** Decodes a segment to text and parses it; `text` is what was signed, for the canonical check. */
function decodeJson(segment: string, what: string, kid?: string): { value: unknown; text: string } {
  try {
    const text = utf8.decode(Buffer.from(segment, 'base64url'));
    return { value: JSON.parse(text) as unknown, text };
  } catch {
    throw malformed(`the ${what} is not UTF-8 JSON`, kid);
  }
}

// Strict base64url: the alphabet only, and the one encoding of its bytes (no stray trailing bits),
// so one message has exactly one serialization.
function isBase64url(segment: string): boolean {
  return BASE64URL.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

interface Header {
  kid: string;
  typ: string | undefined;
}

function readHeader(segment: string): Header {
  const header = decodeJson(segment, 'protected header').value;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw malformed('the protected header is not a JSON object');
  const members = header as Record<string, unknown>;
  // alg first: whatever else is wrong, a message not signed with EdDSA is not signed for us.
  if (members.alg !== MESSAGE_ALG) {
    // Quote a short alg only: the header is unauthenticated input headed for logs.
    const alg = typeof members.alg === 'string' && members.alg.length <= 20 ? JSON.stringify(members.alg) : 'of this form';
    throw new SignatureError('BAD_SIGNATURE', `alg ${alg} is not accepted: messages are signed with ${MESSAGE_ALG}`);
  }
  if (members.kid === undefined) throw malformed('the protected header has no kid');
  // Every kid is an RFC 7638 SHA-256 thumbprint; anything else cannot name a key of ours.
  if (typeof members.kid !== 'string' || !KID.test(members.kid)) throw malformed('the kid is not a SHA-256 JWK thumbprint');
  const kid = members.kid;
  const extra = Object.keys(members).filter((name) => !HEADER_MEMBERS.has(name));
  if (extra.length > 0) throw malformed(`the protected header has members this protocol does not use: ${extra.join(', ')}`, kid);
  if (members.typ !== undefined && typeof members.typ !== 'string') throw malformed('the typ header is not a string', kid);
  return { kid, typ: members.typ };
}

async function verifySignature(jws: string, jwk: JWK, kid: string): Promise<void> {
  try {
    const key = await importJWK(jwk, MESSAGE_ALG);
    await compactVerify(jws, key, { algorithms: [MESSAGE_ALG] });
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new SignatureError('BAD_SIGNATURE', `the signature does not verify under key ${kid}`, kid);
    // The header was checked already; what is left is a key or signature jose cannot use.
    throw new SignatureError('BAD_SIGNATURE', `the signature cannot be checked under key ${kid}`, kid);
  }
}

/**
 * Verifies a message made by `signMessage` and answers its payload and signing kid.
 *
 * Checks, in order: three base64url segments and a header `{alg, kid, typ}` (MALFORMED); alg is
 * EdDSA (BAD_SIGNATURE); `resolveKey(kid)` gives an Ed25519 key whose thumbprint is the kid
 * (UNKNOWN_KEY); the signature (BAD_SIGNATURE); typ equals `expectedTyp` (WRONG_TYPE); the
 * payload is canonical JSON (MALFORMED).
 *
 * @throws SignatureError with the code of the first failed check; errors of `resolveKey` itself.
 */
export async function verifyMessage(jws: string, resolveKey: KeyResolver, expectedTyp: string): Promise<VerifiedMessage> {
  if (typeof jws !== 'string') throw malformed('a message is a compact JWS string');
  const segments = jws.split('.');
  if (segments.length !== 3) throw malformed('a compact JWS has three dot-separated segments');
  const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments;
  if (!segments.every(isBase64url)) throw malformed('a compact JWS segment is not base64url');
  if (headerSegment === '') throw malformed('the protected header is empty');
  const { kid, typ } = readHeader(headerSegment);
  if (payloadSegment === '' || signatureSegment === '') throw malformed('the payload or the signature is empty', kid);

  const jwk = await asEd25519PublicJwk(await resolveKey(kid));
  if (jwk === null) throw new SignatureError('UNKNOWN_KEY', `no Ed25519 key is known under kid ${kid}`, kid);
  // A resolver that maps a kid to some other key must not make that key speak for the kid.
  if (jwk.kid !== kid) throw new SignatureError('UNKNOWN_KEY', `the key found for kid ${kid} has another thumbprint`, kid);
  await verifySignature(jws, { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, kid);

  if (typ !== expectedTyp) {
    throw new SignatureError('WRONG_TYPE', `expected a ${JSON.stringify(expectedTyp)} message, got ${typ === undefined ? 'no typ' : JSON.stringify(typ)}`, kid);
  }
  const { value: payload, text } = decodeJson(payloadSegment, 'payload', kid);
  if (!isCanonicalFast(payload, text)) {
    let canonical: string;
    try {
      canonical = canonicalJson(payload);
    } catch {
      throw malformed('the payload is not JSON data', kid);
    }
    if (canonical !== text) throw malformed('the payload is not in RFC 8785 canonical form', kid);
  }
  return { payload, kid, typ };
}

/** Every object's own keys in strictly increasing UTF-16 code-unit order, all the way down. */
function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  let previous: string | null = null;
  for (const [key, member] of Object.entries(value)) {
    if (previous !== null && !(previous < key)) return false;
    if (!keysSorted(member)) return false;
    previous = key;
  }
  return true;
}

/**
 * A cheap proof that `text` is the RFC 8785 form of `payload` (the usual case, a few times faster
 * than re-canonicalizing large batches): JSON.stringify writes numbers and strings exactly as JCS
 * does, so with keys already in order the two agree, unless the text escapes a lone surrogate
 * (which JCS refuses). Anything else falls back to the full check.
 */
function isCanonicalFast(payload: unknown, text: string): boolean {
  return !/\\u[dD][89a-fA-F]/.test(text) && keysSorted(payload) && JSON.stringify(payload) === text;
}

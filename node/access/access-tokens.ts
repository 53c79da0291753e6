/**
 * Short-lived access tokens: JWTs (RFC 9068 style, `typ: at+jwt`) signed with the node's own
 * Ed25519 key, the one its federation messages use. Issuer and audience are the node code, so a
 * token of another node is refused here. Verification resolves the key by `kid` in the node's
 * ring (keys rotated away from keep verifying), accepts EdDSA only (never `none` or an HMAC
 * keyed with the public key) and reads the time from the node's clock.
 *
 * A token proves who it was issued to and until when; whether that session or client is still
 * allowed is the database's answer, checked on every request (authenticate.ts).
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { Ed25519PublicJwk, NodeKeyRing } from '../../federation/index.ts';

/** The JOSE `typ` of an access token; nothing else the node signs carries it. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
const ALG = 'EdDSA';
/** Longer than any token we issue; anything longer is not worth parsing. */
const MAX_TOKEN_LENGTH = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An access token as issued. */
export interface IssuedAccessToken {
  token: string;
  /** Seconds it is valid for (`expires_in`). */
  expiresIn: number;
  expiresAt: Date;
}

/** What a verified token says: a user's session, or a client under one secret version. */
export type VerifiedAccessToken =
  | { kind: 'user'; userId: string; sessionId: string; expiresAt: Date }
  | { kind: 'client'; clientId: string; secretVersion: number; expiresAt: Date };

/** Why a token was refused. Deliberately coarse: a forged token learns nothing about which check failed. */
export class AccessTokenError extends Error {
  override name = 'AccessTokenError';
  readonly reason: 'invalid' | 'expired';

  constructor(reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 'access token expired' : 'access token invalid');
    this.reason = reason;
  }
}

export interface AccessTokenOptions {
  /** The node's key ring (read on each use: a rotation takes effect at once). */
  ring: () => NodeKeyRing;
  /** Issuer and audience of every token. */
  nodeCode: string;
  lifetimeSeconds: number;
  now: () => Date;
}

export class AccessTokens {
  readonly #options: AccessTokenOptions;

  constructor(options: AccessTokenOptions) {
    this.#options = options;
  }

  /** A token for a user's session. */
  issueForUser(userId: string, sessionId: string): Promise<IssuedAccessToken> {
    return this.#issue(userId, { kind: 'user', sid: sessionId });
  }

  /** A token for an API client, bound to the client's current secret version. */
  issueForClient(clientId: string, secretVersion: number): Promise<IssuedAccessToken> {
    return this.#issue(clientId, { kind: 'client', ver: secretVersion });
  }

  async #issue(subject: string, claims: JWTPayload): Promise<IssuedAccessToken> {
    const { ring, nodeCode, lifetimeSeconds, now } = this.#options;
    const issuedAt = Math.floor(now().getTime() / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const key = ring().current;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(nodeCode)
      .setAudience(nodeCode)
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey());
    return { token, expiresIn: lifetimeSeconds, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Verifies signature, header and claims of `token`.
   * @throws AccessTokenError `expired` for a genuine token past its `exp`, `invalid` for anything else.
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw new AccessTokenError('invalid');
    const { ring, nodeCode, now } = this.#options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters): Ed25519PublicJwk => {
        const jwk = typeof header.kid === 'string' ? ring().publicKey(header.kid) : null;
        if (!jwk) throw new AccessTokenError('invalid');
        return jwk;
      }, {
        algorithms: [ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: nodeCode,
        audience: nodeCode,
        currentDate: now(),
        requiredClaims: ['iat', 'exp', 'sub', 'jti'],
      }));
    } catch (error) {
      throw new AccessTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
    const expiresAt = new Date((payload.exp ?? 0) * 1000);
    const subject = payload.sub ?? '';
    if (payload.kind === 'user' && typeof payload.sid === 'string' && UUID.test(payload.sid) && UUID.test(subject)) {
      return { kind: 'user', userId: subject, sessionId: payload.sid, expiresAt };
    }
    if (payload.kind === 'client' && Number.isSafeInteger(payload.ver) && subject !== '') {
      return { kind: 'client', clientId: subject, secretVersion: payload.ver as number, expiresAt };
    }
    throw new AccessTokenError('invalid');
  }
}

/**
 * Random credentials the node hands out once and keeps only as digests: refresh tokens and API
 * client secrets. They carry 256 random bits, so a plain SHA-256 digest is as good as a slow hash
 * (nothing to guess) and lets the database find a token by its digest.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `text`, hex: what is stored in place of a token or secret. */
export function digestHex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two texts (over their digests, so length does not leak either). */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(expected).digest());
}

/** A fresh refresh token: `rt_` and 32 random bytes, base64url. */
export function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

/** A fresh public client id: `c_` and 12 random bytes, hex. */
export function newClientId(): string {
  return `c_${randomBytes(12).toString('hex')}`;
}

/** A fresh client secret: `cs_` and 32 random bytes, base64url. */
export function newClientSecret(): string {
  return `cs_${randomBytes(32).toString('base64url')}`;
}

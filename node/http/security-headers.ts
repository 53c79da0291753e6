/**
 * Headers every answer carries, errors included. The node answers JSON only, so a browser is told
 * to treat an answer as inert data: never framed, sniffed, cached, embedded by another origin, or
 * given a window, a referrer or a device feature.
 *
 * Strict-Transport-Security is sent only when the node's PUBLIC_URL is https: the node itself
 * speaks plain HTTP behind the TLS terminator that serves that URL, and browsers ignore the header
 * on plain HTTP; over http it would promise something the deployment does not keep.
 */
import type { Middleware } from 'koa';

export interface SecurityHeaderOptions {
  /** The node is reached over HTTPS (PUBLIC_URL is https://...). */
  https?: boolean;
}

const HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // base-uri and form-action do not fall back to default-src, so they are named too.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Cache-Control': 'no-store',
  // For HTTP/1.0 caches, as RFC 6749 5.1 asks of token answers; harmless on the rest.
  'Pragma': 'no-cache',
  // Other origins' pages cannot load an answer as an image or script (no-cors); CORS reads are unaffected.
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

/** One year; no includeSubDomains: the node does not speak for its domain's other hosts. */
const HSTS = 'max-age=31536000';

export function securityHeaders(options: SecurityHeaderOptions = {}): Middleware {
  const headers = options.https ? { ...HEADERS, 'Strict-Transport-Security': HSTS } : HEADERS;
  return async (ctx, next) => {
    ctx.set(headers);
    await next();
  };
}

/**
 * Client authentication at the token endpoint (RFC 6749 section 2.3.1): `client_id` and
 * `client_secret` in the body, or HTTP Basic with both form-urlencoded, but not both ways at once.
 */
import type { ParameterizedContext } from 'koa';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import { authenticateClient } from './client-service.ts';

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** The credentials of an `Authorization: Basic` header, null when there is none. */
function basicCredentials(header: string): ClientCredentials | null {
  if (!/^basic /i.test(header)) return null;
  const match = /^basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new AppError('INVALID_CLIENT', { field: 'Authorization' });
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new AppError('INVALID_CLIENT', { field: 'Authorization' });
  }
}

/**
 * Authenticates the calling client and answers its id and secret version; INVALID_CLIENT (with a
 * `WWW-Authenticate: Basic` challenge when Basic was tried) for any mismatch.
 */
export async function clientCredentialsGrant(
  ctx: ParameterizedContext<RequestState>,
  body: { client_id?: string; client_secret?: string },
  now: Date,
): Promise<{ id: string; secretVersion: number }> {
  const fromHeader = basicCredentials(ctx.get('authorization'));
  const inBody = body.client_id !== undefined || body.client_secret !== undefined;
  if (fromHeader && inBody) {
    throw new AppError('VALIDATION_FAILED', { field: '/client_id', problem: 'client credentials are given both in the Authorization header and in the body; use one' });
  }
  const credentials = fromHeader ?? (body.client_id !== undefined && body.client_secret !== undefined ? { clientId: body.client_id, clientSecret: body.client_secret } : null);
  const client = credentials ? await authenticateClient(ctx.state.em, credentials.clientId, credentials.clientSecret, now) : null;
  const clientId = credentials?.clientId.slice(0, 40) ?? null;
  ctx.state.audit = { actor: clientId ? `client:${clientId}` : 'client:unknown', ...(client ? { record: `client:${client.id}` } : {}), details: { outcome: client ? 'ok' : 'failed' } };
  if (!client) {
    if (fromHeader) ctx.set('WWW-Authenticate', 'Basic realm="supervision", charset="UTF-8"');
    throw new AppError('INVALID_CLIENT');
  }
  return client;
}

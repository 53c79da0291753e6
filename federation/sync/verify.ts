/** Verifying messages from a node against the keys pinned for it, with federation refusal codes. */
import type { Jwks } from '../keys/node-keys.ts';
import { SignatureError, verifyMessage } from '../keys/signed-message.ts';
import { FederationError } from '../protocol/federation-error.ts';

/** The payload of a compact JWS, read without verifying it (to find out who claims to send it). */
export function peekPayload(jws: unknown): Record<string, unknown> {
  if (typeof jws !== 'string' || jws.length > 50 * 1024 * 1024) throw new FederationError('MALFORMED', '消息不是 JWS (not a compact JWS)');
  const segment = jws.split('.')[1];
  try {
    const payload: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
    if (payload && typeof payload === 'object' && !Array.isArray(payload)) return payload as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new FederationError('MALFORMED', '消息载荷不是 JSON 对象 (the payload is not a JSON object)');
}

/** Verifies `jws` of type `typ` with the keys pinned for `code`; answers the payload. */
export async function verifyFrom<T>(jws: string, jwks: Jwks | null, code: string, typ: string): Promise<T> {
  try {
    const verified = await verifyMessage(jws, async (kid) => jwks?.keys.find((key) => key.kid === kid) ?? null, typ);
    return verified.payload as T;
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw new FederationError(error.code, `来自 ${code} 的 ${typ} 签名无效 (${error.message})`, { node: code, typ });
  }
}

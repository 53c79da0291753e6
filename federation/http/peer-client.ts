/**
 * Calls to another node's `/federation/v1` endpoints: JSON in, JSON out, a timeout, and its
 * refusals turned into FederationErrors that keep the other side's code.
 */
import { FederationError } from '../protocol/federation-error.ts';

export async function postToPeer<T>(fetcher: typeof fetch, baseUrl: string, path: string, body: unknown, timeoutMs = 30000): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(`${baseUrl}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new FederationError('PEER_UNREACHABLE', `无法连接节点 ${baseUrl} (cannot reach ${baseUrl}: ${(error as Error).message})`, { url: baseUrl });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: reported below
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    const status = response.status >= 400 && response.status < 500 ? response.status : 502;
    throw FederationError.relayed(error?.code ?? 'PEER_ERROR', status, error?.message ?? `节点 ${baseUrl} 返回 ${response.status}`, { peerStatus: response.status, ...(error?.details ?? {}) });
  }
  if (parsed === null) throw new FederationError('PEER_ERROR', `节点 ${baseUrl} 的回答不是 JSON (answer is not JSON)`, { url: baseUrl });
  return parsed as T;
}

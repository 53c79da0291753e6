/** One authenticated JSON request to a node's API, as every test client makes it. */

// Answers are untyped JSON in tests; each test asserts the shape it needs.
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Sends `body` (JSON unless a string) with the bearer token (none when null); parses the answer when it is JSON. */
export async function apiRequest<T = any>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const sent: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers };
  const init: RequestInit = { method, headers: sent, signal: AbortSignal.timeout(60_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    sent['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON (e.g. /metrics): keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/**
 * The demo's HTTP client of a node: credentials, JSON in and out, and patience. Network errors,
 * timeouts, 5xx and 429 are retried with exponential backoff until they pass or `stop()` is called;
 * a 401 renews the caller's token once and sends the request again (it was refused before anything
 * was done); any other 4xx answer goes back to the caller. The simulator and the workflow actor
 * both talk through it, each request as the person or system it names (demo-sessions.ts).
 */
import type { Credentials } from './demo-sessions.ts';

/** Backoff and transport settings shared by the demo's loops. */
export interface DemoClientOptions {
  /** First backoff after a network error, in ms (default 500); doubles up to `retryMaxMs`. */
  retryInitialMs?: number;
  /** Longest backoff, in ms (default 30,000). */
  retryMaxMs?: number;
  /** Timeout of one HTTP request, in ms (default 30,000). */
  requestTimeoutMs?: number;
  /** Defaults to the global fetch; tests pass a fake. */
  fetch?: typeof fetch;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** Thrown to unwind a loop when stop() is called; the loop catches it. */
export class Stopped extends Error {}

/** A 5xx or 429 answer: the node is there but cannot take the request now. */
class RetryableAnswer extends Error {}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** A short, single-line excerpt of an answer. */
export function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export class DemoClient {
  readonly #baseUrl: string;
  readonly #credentials: Credentials;
  readonly #log: (message: string) => void;
  /** Names the loop in retry messages, e.g. '模拟器'. */
  readonly #label: string;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #requestTimeoutMs: number;
  readonly #fetch: typeof fetch;
  #stopping = false;
  #wake: (() => void) | undefined;

  /** `credentials`: whom requests are sent as unless a request names someone else. */
  constructor(baseUrl: string, credentials: Credentials, label: string, log: (message: string) => void, options: DemoClientOptions = {}) {
    // Fail fast on a bad origin instead of retrying it forever.
    this.#baseUrl = new URL(baseUrl).origin;
    this.#credentials = credentials;
    this.#label = label;
    this.#log = log;
    this.#retryInitialMs = options.retryInitialMs ?? 500;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Whether stop() was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Ends every backoff and sleep at once; later requests throw {@link Stopped}. */
  stop(): void {
    this.#stopping = true;
    this.#wake?.();
  }

  /**
   * One HTTP request as `as` (default: the client's credentials), retried with exponential backoff
   * on network errors, timeouts, 5xx and 429, and once with a renewed token after a 401. Any other
   * 4xx answer is returned to the caller; stop() interrupts the backoff, not the request.
   */
  async request(method: 'GET' | 'PUT' | 'PATCH' | 'POST', path: string, body?: unknown, as: Credentials = this.#credentials): Promise<HttpAnswer> {
    let delay = this.#retryInitialMs;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      if (this.#stopping) throw new Stopped();
      try {
        const token = await as.bearer((signInPath, signInBody) => this.#send('POST', signInPath, signInBody, null));
        const answer = await this.#send(method, path, body, token);
        if (answer.status === 401 && !renewed) {
          as.refused(token);
          renewed = true;
          continue;
        }
        return answer;
      } catch (error) {
        this.#log(`${this.#label}: 请求失败，${(delay / 1000).toFixed(1)} 秒后重试 ${method} ${path} failed (attempt ${attempt}, ${as.actor}: ${describeError(error)})`);
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.#retryMaxMs);
      }
    }
  }

  /** One request; throws on 5xx and 429 (to be retried), answers anything else. */
  async #send(method: string, path: string, body: unknown, token: string | null): Promise<HttpAnswer> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.#requestTimeoutMs),
    });
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) throw new RetryableAnswer(`HTTP ${response.status} ${excerpt(text)}`);
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the log.
    }
    return { status: response.status, body: parsed };
  }

  /** Waits `ms`, or less if stop() is called. */
  sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

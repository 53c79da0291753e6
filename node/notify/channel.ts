/**
 * What a delivery channel is given and answers. A channel resolves with the receiver's answer
 * when the message was taken, throws an `UnrecoverableError` when trying again cannot help (a 4xx,
 * an SMTP 5xx, a channel that is not configured) and any other error when a later try may work.
 * Error messages are stored and answered by the API: they never carry a secret or a URL (an SMS
 * gateway URL or a webhook URL may hold a key).
 */
import { UnrecoverableError } from 'bullmq';

export const CHANNELS = ['webhook', 'email', 'sms'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface OutgoingMessage {
  notificationId: number;
  address: string;
  subject: string;
  text: string;
  payload: Record<string, unknown>;
  /** The webhook contact's HMAC key; null for the other channels. */
  secret: string | null;
}

export interface ChannelAnswer {
  /** The HTTP status or SMTP response, as recorded on the attempt. */
  response: string;
}

export type Channel = (message: OutgoingMessage) => Promise<ChannelAnswer>;

/** How long an HTTP channel waits for an answer. */
export const HTTP_TIMEOUT_MS = 10_000;

/** The first characters of a receiver's answer body, on one line. */
function snippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * One HTTP request of a channel: 2xx answers; 4xx other than 408 and 429 is permanent; any other
 * status, a timeout or a connection failure may pass later. Redirects are not followed.
 */
export async function httpDelivery(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<ChannelAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(describeFetchError(error));
  }
  const body = snippet(await response.text().catch(() => ''));
  const answer = `HTTP ${response.status}${body ? ` ${body}` : ''}`;
  if (response.status >= 200 && response.status < 300) return { response: answer };
  const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
  throw permanent ? new UnrecoverableError(answer) : new Error(answer);
}

/** A fetch failure in words that name the cause but not the URL. */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `${HTTP_TIMEOUT_MS / 1000} 秒内无应答 (no answer within ${HTTP_TIMEOUT_MS / 1000} s)`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  return `连接失败 (connection failed)${code ? `: ${code}` : ''}`;
}

/** A channel that is not configured on this node: every message to it fails at once. */
export function unconfiguredChannel(problem: string): Channel {
  return () => Promise.reject(new UnrecoverableError(problem));
}
